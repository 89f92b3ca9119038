using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

/// <summary>
/// A <see cref="CareRuleException"/> as it crosses a grain boundary: the domain stays free of Orleans, so grains
/// translate its exceptions into this serializable twin, and the API maps either to the same gRPC status.
/// </summary>
[GenerateSerializer, Alias("buurtzorg.rule-refused")]
public sealed class RuleRefusedException : Exception
{
    public RuleRefusedException(RuleViolation violation, string message, string? reason) : base(message)
    {
        ViolationCode = (int)violation;
        Reason = reason;
    }

    [Id(0)] public int ViolationCode { get; private set; }

    [Id(1)] public string? Reason { get; private set; }

    public RuleViolation Violation => (RuleViolation)ViolationCode;
}
