namespace Buurtzorg.Grains.Security;

/// <summary>The answer to "may this caller do this to that team's data?", with a message a nurse's app can show.</summary>
public readonly record struct AccessDecision(bool Allowed, string? Denial)
{
    public static readonly AccessDecision Allow = new(true, null);

    public static AccessDecision Deny(string message) => new(false, message);
}

/// <summary>
/// The access rules, in one place, applied twice: by the gRPC layer to the request and by the grains to the call.
/// <list type="bullet">
/// <item>nurse: their own team's team data, caseload and client records; nothing of other teams.</item>
/// <item>coach: their own team's team data and figures, and its members' leave; no client records.</item>
/// <item>central_office: approves and closes teams, reads team-level figures; no client records, no caseload lists.</item>
/// <item>out_of_hours: opens any client record and records out-of-hours visits, only with a stated reason.</item>
/// <item>operator: health, metrics, administration; no team or client data.</item>
/// <item>referrer: a referring system (a GP practice's) sends referrals to any team; it reads nothing.</item>
/// </list>
/// Denials name the rule, never anything of the record. A nurse's token names her team, but the team's member list
/// decides: the grains also check that she is a current member of that team (<see cref="NeedsMembership"/>), so a
/// nurse who left, or who is on another team, is refused at once whatever her token says. Coaches are staff, not
/// members (no coach list exists), so a coach is held to the team their token names.
/// </summary>
public static class AccessPolicy
{
    /// <param name="teamCheckedElsewhere">
    /// Set where the request names no team (a client record, a nurse): the role is checked here and the team by the
    /// grain that holds the data.
    /// </param>
    public static AccessDecision Decide(Caller? caller, Operation operation, string? teamId, bool teamCheckedElsewhere = false)
    {
        if (caller is null) return AccessDecision.Deny("This request carries no identity.");
        var ownTeam = teamCheckedElsewhere || (teamId is not null && caller.TeamId == teamId);
        return (caller.Role, operation) switch
        {
            (Role.Nurse, Operation.ApplyTeam or Operation.RegisterNurse) => AccessDecision.Allow,
            (Role.Nurse, Operation.ReadTeam or Operation.ReadCaseload or Operation.ReadContinuity or Operation.ManageTeam
                or Operation.ReadNurse or Operation.ReadRecord or Operation.WriteRecord or Operation.RecordOutOfHoursVisit
                or Operation.ReadAudit or Operation.ManageLeave or Operation.Refer) => OwnTeam(ownTeam),
            (Role.Coach, Operation.RegisterNurse) => AccessDecision.Allow,
            (Role.Coach, Operation.ReadTeam or Operation.ReadContinuity or Operation.ReadNurse or Operation.ManageLeave) =>
                OwnTeam(ownTeam),
            (Role.CentralOffice, Operation.ApplyTeam or Operation.GovernTeam or Operation.ReadTeam or Operation.RegisterNurse) => AccessDecision.Allow,
            (Role.CentralOffice, Operation.ReadOrganisation) => AccessDecision.Allow,
            (Role.OutOfHours, Operation.ReadRecord or Operation.RecordOutOfHoursVisit) => string.IsNullOrWhiteSpace(caller.Reason)
                ? AccessDecision.Deny("Out-of-hours access to a record needs a stated reason (the x-access-reason header).")
                : AccessDecision.Allow,
            (Role.Referrer, Operation.Refer) => AccessDecision.Allow,
            _ => AccessDecision.Deny($"The {Caller.NameOf(caller.Role)} role may not do this."),
        };
    }

    /// <summary>Shown to a nurse whose token names a team whose members she is not (or no longer) among.</summary>
    public const string NotAMember = "You are not a current member of this team.";

    /// <summary>The machine-readable reason for <see cref="NotAMember"/>.</summary>
    public const string NotAMemberReason = "NOT_A_TEAM_MEMBER";

    /// <summary>
    /// Whether an allowed call must also find the caller among the current members of the team their token names:
    /// for a nurse, every call on a team's or a client's data; not applying for a team or registering (a nurse not
    /// yet on any team does both in her first week).
    /// </summary>
    public static bool NeedsMembership(Caller caller, Operation operation) =>
        caller.Role == Role.Nurse && operation is not (Operation.ApplyTeam or Operation.RegisterNurse);

    private static AccessDecision OwnTeam(bool ownTeam) =>
        ownTeam ? AccessDecision.Allow : AccessDecision.Deny("This belongs to another team.");
}
