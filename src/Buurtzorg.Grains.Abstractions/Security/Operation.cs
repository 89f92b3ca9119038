namespace Buurtzorg.Grains.Security;

/// <summary>What a request does, at the grain of the access rules.</summary>
public enum Operation
{
    /// <summary>Nurses apply to start a team; the central office may file an application for them.</summary>
    ApplyTeam = 1,
    /// <summary>Approve or close a team: the central office's decisions.</summary>
    GovernTeam,
    /// <summary>The team's own data: name, members, capacity and its figures.</summary>
    ReadTeam,
    /// <summary>The caseload and referral inbox: which clients, who is named for them.</summary>
    ReadCaseload,
    /// <summary>Continuity figures per client and for the team.</summary>
    ReadContinuity,
    /// <summary>The team's own decisions: members, capacity, referrals, admissions, discharges, assignments, leave.</summary>
    ManageTeam,
    RegisterNurse,
    ReadNurse,
    /// <summary>Open a client's record (record, history).</summary>
    ReadRecord,
    /// <summary>Write to a client's record (care plan, notes, network, corrections, visits by the team).</summary>
    WriteRecord,
    /// <summary>Record a visit made out of hours by a nurse from outside the client's team.</summary>
    RecordOutOfHoursVisit,
    /// <summary>List who accessed a client's record.</summary>
    ReadAudit,
    /// <summary>The central office's figures of every team: overview, team lists, alerts, history (no client data).</summary>
    ReadOrganisation,
    /// <summary>
    /// Record a member's leave or end it: the team's nurses, and its coach, who records leave that has already begun
    /// (sickness nobody could report in time).
    /// </summary>
    ManageLeave,
    /// <summary>
    /// Send a referral to a team: the team's own nurses, and a referral service (a GP system's), which reaches the team
    /// whose neighbourhood holds the client's postcode.
    /// </summary>
    Refer,
}
