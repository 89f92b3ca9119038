using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Teams;

public enum TeamStatus
{
    Applied = 1,
    Active,
    Closed,
}

/// <summary>
/// A self-managed team: its neighbourhood, members, capacity policy, caseload with named-nurse assignments and referral
/// inbox. Immutable; every rule returns a new team or throws <see cref="CareRuleException"/> and changes nothing.
/// </summary>
public sealed partial record Team(
    string Id,
    string Name,
    TeamStatus Status,
    ImmutableList<PostcodeArea> Footprint,
    ImmutableList<string> GpPractices,
    CapacityPolicy Policy,
    ImmutableList<TeamMember> Members,
    ImmutableList<CaseloadEntry> Caseload,
    ImmutableList<Referral> Referrals,
    ImmutableList<Departure> Departures,
    DateTimeOffset AppliedAt)
{
    public static Team Apply(string id, string name, IEnumerable<PostcodeArea> footprint, IEnumerable<string> gpPractices,
        CapacityPolicy? policy, DateTimeOffset now)
    {
        var areas = footprint.Distinct().ToImmutableList();
        if (areas.IsEmpty) throw CareRuleException.Invalid("A team needs a neighbourhood: give at least one postcode district or sector.");
        if (areas.Count > 50) throw CareRuleException.Invalid("A team's footprint has at most 50 postcode districts or sectors.");
        var practices = gpPractices.Select(p => Text.Required(p, "GP practice")).Distinct().ToImmutableList();
        if (practices.Count > 50) throw CareRuleException.Invalid("A team links at most 50 GP practices.");
        return new Team(id, Text.Required(name, "Team name"), TeamStatus.Applied, areas, practices,
            (policy ?? CapacityPolicy.Default).Validated(), [], [], [], [], now);
    }

    public decimal FullTimeEquivalents => Members.Sum(m => m.HoursPerWeek) / Policy.FullTimeHours;

    /// <summary>How many clients the team may hold: the absolute cap or the per-FTE cap, whichever is lower.</summary>
    public int Capacity => Math.Min(Policy.MaxClients, (int)Math.Floor(Policy.MaxClientsPerFte * FullTimeEquivalents));

    public bool SplitSuggested => Members.Count > Policy.SplitSuggestedAboveMembers;

    public bool BelowSafeStaffing => Members.Count < Policy.MinMembersForSafeStaffing;

    public bool Covers(string postcodeSector) => Footprint.Any(a => a.ContainsSector(postcodeSector));

    public TeamMember? Member(string nurseId) => Members.Find(m => m.NurseId == nurseId);

    public CaseloadEntry? CaseloadOf(string clientId) => Caseload.Find(c => c.ClientId == clientId);

    public Referral? Referral(string referralId) => Referrals.Find(r => r.ReferralId == referralId);

    public Team Approve()
    {
        return Status switch
        {
            TeamStatus.Applied => this with { Status = TeamStatus.Active },
            TeamStatus.Active => this,
            _ => throw CareRuleException.Precondition("A closed team cannot be approved again.", "TEAM_CLOSED"),
        };
    }

    public Team Close()
    {
        if (Status == TeamStatus.Closed) return this;
        if (!Caseload.IsEmpty)
            throw CareRuleException.Precondition($"The team still has {Caseload.Count} clients: discharge them or pass them to another team before closing.", "CASELOAD_NOT_EMPTY");
        // The members stay listed as the team was when it closed; the grain releases each to join another team.
        return this with { Status = TeamStatus.Closed };
    }

    public Team WithPolicy(CapacityPolicy policy)
    {
        var validated = policy.Validated();
        return this with { Policy = validated };
    }

    public void EnsureActive()
    {
        if (Status == TeamStatus.Applied) throw CareRuleException.Precondition("The team has applied but is not approved yet.", "TEAM_NOT_ACTIVE");
        if (Status == TeamStatus.Closed) throw CareRuleException.Precondition("The team is closed.", "TEAM_CLOSED");
    }

    public Team Join(TeamMember member)
    {
        if (Status == TeamStatus.Closed) throw CareRuleException.Precondition("The team is closed.", "TEAM_CLOSED");
        if (Member(member.NurseId) is { } existing) return existing == member ? this : this with { Members = Members.Replace(existing, member) };
        return this with { Members = Members.Add(member) };
    }
}

/// <summary>The care model's defaults: at most 60 clients, 6 per full-time member, split above 12 members, 4 for safe staffing.</summary>
public sealed record CapacityPolicy(
    int MaxClients,
    decimal MaxClientsPerFte,
    int SplitSuggestedAboveMembers,
    int MinMembersForSafeStaffing,
    decimal FullTimeHours)
{
    public static readonly CapacityPolicy Default = new(60, 6m, 12, 4, 37.5m);

    public CapacityPolicy Validated()
    {
        if (MaxClients is < 1 or > 200) throw CareRuleException.Invalid("Maximum clients must be between 1 and 200.");
        if (MaxClientsPerFte is <= 0 or > 20) throw CareRuleException.Invalid("Clients per full-time member must be above 0 and at most 20.");
        if (SplitSuggestedAboveMembers is < 2 or > 50) throw CareRuleException.Invalid("The split threshold must be between 2 and 50 members.");
        if (MinMembersForSafeStaffing is < 1 or > 20) throw CareRuleException.Invalid("Safe staffing must be between 1 and 20 members.");
        if (FullTimeHours is < 16 or > 48) throw CareRuleException.Invalid("Full-time hours must be between 16 and 48 a week.");
        return this;
    }
}

public sealed record TeamMember(
    string NurseId,
    string DisplayName,
    NurseRole Role,
    decimal HoursPerWeek,
    ImmutableSortedSet<Skill> Skills,
    DateTimeOffset JoinedAt,
    ImmutableList<LeavePeriod> Leave)
{
    public bool IsOnLeave(DateOnly day) => Leave.Any(l => l.Covers(day));
}

public sealed record LeavePeriod(DateOnly Start, DateOnly End, string? Reason)
{
    public bool Covers(DateOnly day) => Start <= day && day <= End;
}

/// <summary>One admitted client: who is their named nurse and backup, what they need, and what needs the team's eye.</summary>
public sealed record CaseloadEntry(
    string ClientId,
    string ReferralId,
    string NamedNurseId,
    string? BackupNurseId,
    ImmutableSortedSet<Skill> Needs,
    DateTimeOffset AdmittedAt,
    ImmutableSortedSet<CaseloadFlag>? Flags = null)
{
    public ImmutableSortedSet<CaseloadFlag> ActiveFlags => Flags ?? [];
}

/// <summary>Something about a client the team should act on, raised by the client's record as it falls due.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A flag on a caseload is the team's own word.")]
public enum CaseloadFlag
{
    ReviewDue = 1,
    ReablementEnding,
    /// <summary>Someone outside the team (the out-of-hours service) opened the client's record.</summary>
    OutOfHoursAccess,
    /// <summary>A referral gave details that differ from the record's: a nurse of the team checks them.</summary>
    DetailsDiffer,
    /// <summary>A write made offline met a care plan changed before it was made: kept, and shown to the team.</summary>
    OfflineConflict,
}

/// <summary>A nurse who left the team and whose named clients passed on; kept so a retried leave answers the same.</summary>
public sealed record Departure(string NurseId, string RequestId, DateTimeOffset At, ImmutableList<Handover> Handovers);

public sealed record Handover(string ClientId, string PreviousNamedNurseId, string NamedNurseId, string? PreviousBackupNurseId, string? BackupNurseId);
