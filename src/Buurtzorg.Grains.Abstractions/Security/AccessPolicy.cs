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
/// <item>coach: their own team's team data and figures; no client records.</item>
/// <item>central_office: approves and closes teams, reads team-level figures; no client records, no caseload lists.</item>
/// <item>out_of_hours: opens any client record and records out-of-hours visits, only with a stated reason.</item>
/// <item>operator: health, metrics, administration; no team or client data.</item>
/// </list>
/// Denials name the rule, never anything of the record.
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
                or Operation.ReadAudit) => OwnTeam(ownTeam),
            (Role.Coach, Operation.RegisterNurse) => AccessDecision.Allow,
            (Role.Coach, Operation.ReadTeam or Operation.ReadContinuity or Operation.ReadNurse) => OwnTeam(ownTeam),
            (Role.CentralOffice, Operation.ApplyTeam or Operation.GovernTeam or Operation.ReadTeam or Operation.RegisterNurse) => AccessDecision.Allow,
            (Role.CentralOffice, Operation.ReadOrganisation) => AccessDecision.Allow,
            (Role.OutOfHours, Operation.ReadRecord or Operation.RecordOutOfHoursVisit) => string.IsNullOrWhiteSpace(caller.Reason)
                ? AccessDecision.Deny("Out-of-hours access to a record needs a stated reason (the x-access-reason header).")
                : AccessDecision.Allow,
            _ => AccessDecision.Deny($"The {Caller.NameOf(caller.Role)} role may not do this."),
        };
    }

    private static AccessDecision OwnTeam(bool ownTeam) =>
        ownTeam ? AccessDecision.Allow : AccessDecision.Deny("This belongs to another team.");
}
