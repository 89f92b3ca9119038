namespace Buurtzorg.Grains.Security;

/// <summary>Who may do what: the five kinds of people who call the system.</summary>
public enum Role
{
    Nurse = 1,
    Coach,
    CentralOffice,
    OutOfHours,
    Operator,
    /// <summary>A referring system (a GP practice's): sends referrals in, reads nothing.</summary>
    Referrer,
}

/// <summary>
/// The authenticated caller of a request: who (a nurse or staff id), in which role, for which team (team roles only),
/// and the reason they stated where a role must state one (out-of-hours access to a record).
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.caller")]
public sealed record Caller(
    [property: Id(0)] string Subject,
    [property: Id(1)] Role Role,
    [property: Id(2)] string? TeamId,
    [property: Id(3)] string? Reason = null)
{
    public static readonly IReadOnlyDictionary<string, Role> RoleNames = new Dictionary<string, Role>(StringComparer.Ordinal)
    {
        ["nurse"] = Role.Nurse,
        ["coach"] = Role.Coach,
        ["central_office"] = Role.CentralOffice,
        ["out_of_hours"] = Role.OutOfHours,
        ["operator"] = Role.Operator,
        ["referrer"] = Role.Referrer,
    };

    public static string NameOf(Role role) => RoleNames.First(r => r.Value == role).Key;

    /// <summary>Subject and role only: a reason may quote a situation, and a caller may be logged.</summary>
    public override string ToString() => $"{NameOf(Role)} {Subject}";
}
