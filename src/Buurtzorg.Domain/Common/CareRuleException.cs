namespace Buurtzorg.Domain.Common;

/// <summary>What kind of rule a request broke; the API maps each to one gRPC status code.</summary>
public enum RuleViolation
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    PermissionDenied,
}

/// <summary>
/// A request the care rules refuse. The message is shown to a nurse as is, so it names what is wrong and what to do,
/// and never carries patient data (no NHS number, name, address or note text).
/// </summary>
public sealed class CareRuleException(RuleViolation violation, string message, string? reason = null) : Exception(message)
{
    public RuleViolation Violation { get; } = violation;

    /// <summary>A stable machine-readable code (for example <c>AT_CAPACITY</c>) an app can branch on.</summary>
    public string? Reason { get; } = reason;

    public static CareRuleException Invalid(string message) => new(RuleViolation.InvalidArgument, message);
    public static CareRuleException NotFound(string message) => new(RuleViolation.NotFound, message);
    public static CareRuleException Precondition(string message, string? reason = null) =>
        new(RuleViolation.FailedPrecondition, message, reason);
}
