using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Teams;

/// <summary>The team's decisions about its caseload: referrals, admission, assignment, discharge, members leaving.</summary>
public sealed partial record Team
{
    public const int MaxWaitingReferrals = 500;
    public const int MaxLeaveDaysBack = 366;
    public const int MaxLeaveYearsAhead = 2;

    /// <summary>
    /// How long a decided referral stays in the team's inbox: the figures count decisions over the last 28 days. Older
    /// ones live on in the client's record (each referral, with its details) and its journal.
    /// </summary>
    public static readonly TimeSpan DecidedReferralsKept = TimeSpan.FromDays(31);

    /// <summary>A second bound on decided referrals kept, whatever the window holds.</summary>
    public const int MaxDecidedReferralsKept = 1000;

    /// <summary>
    /// The team without what it no longer needs, so its state does not grow with its age: referrals decided more
    /// than <see cref="DecidedReferralsKept"/> ago (or beyond the newest <see cref="MaxDecidedReferralsKept"/>), and
    /// leave that ended before the earliest day leave may still be recorded for (<see cref="MaxLeaveDaysBack"/>).
    /// Waiting referrals all stay (at most <see cref="MaxWaitingReferrals"/>). The same team when nothing is due.
    /// </summary>
    public Team Tidy(DateTimeOffset now)
    {
        var since = now - DecidedReferralsKept;
        var decided = Referrals.Where(r => r.Status != ReferralStatus.Waiting).ToList();
        var keepFrom = decided.Count > MaxDecidedReferralsKept
            ? decided.Select(r => r.DecidedAt ?? r.ReceivedAt).OrderDescending().ElementAt(MaxDecidedReferralsKept - 1)
            : DateTimeOffset.MinValue;
        var referrals = Referrals.RemoveAll(r => r.Status != ReferralStatus.Waiting && (r.DecidedAt ?? r.ReceivedAt) is var at && (at < since || at < keepFrom));

        var oldest = CareTime.DateOf(now).AddDays(-MaxLeaveDaysBack);
        var members = Members.Any(m => m.Leave.Exists(l => l.End < oldest))
            ? Members.Select(m => m.Leave.Exists(l => l.End < oldest) ? m with { Leave = m.Leave.RemoveAll(l => l.End < oldest) } : m).ToImmutableList()
            : Members;
        return referrals.Count == Referrals.Count && ReferenceEquals(members, Members) ? this : this with { Referrals = referrals, Members = members };
    }

    public Team Refer(Referral referral)
    {
        EnsureActive();
        if (Referral(referral.ReferralId) is not null) return this;
        if (Referrals.Count(r => r.Status == ReferralStatus.Waiting) >= MaxWaitingReferrals)
            throw CareRuleException.Precondition($"The team already has {MaxWaitingReferrals} referrals waiting: decide on some before adding more.", "INBOX_FULL");
        return this with { Referrals = Referrals.Add(referral) };
    }

    /// <summary>
    /// A referral the team took in (<see cref="Refer"/>) joins its inbox once the client's record holds it. Never refused:
    /// the record has it already, so the team must show it; the same team when it is there.
    /// </summary>
    public Team Receive(Referral referral) =>
        Referral(referral.ReferralId) is not null ? this : this with { Referrals = Referrals.Add(referral) };

    /// <summary>
    /// An admission the team decided (<see cref="Admit"/>) takes effect once the client's record has opened the episode.
    /// Never refused: the record has the client on this caseload, so the team must show them; the same team when it does.
    /// </summary>
    public Team Admitted(CaseloadEntry entry)
    {
        if (CaseloadOf(entry.ClientId) is not null) return this;
        var referrals = Referral(entry.ReferralId) is { Status: not ReferralStatus.Admitted } referral
            ? Referrals.Replace(referral, referral with { Status = ReferralStatus.Admitted, DeclineReason = null, DecidedAt = entry.AdmittedAt })
            : Referrals;
        return this with { Caseload = Caseload.Add(entry), Referrals = referrals };
    }

    /// <summary>
    /// Would the referral be admitted now, and with whom? Checks, in order: a health need, the footprint, capacity,
    /// and members to name. Whether the client is on another team's caseload is the client record's to say.
    /// </summary>
    public (Assignment.Pair? Pair, DeclineReason? Reason) Evaluate(Referral referral, DateOnly day, string? namedNurseId = null, string? backupNurseId = null)
    {
        if (!referral.Needs.Any(SkillCatalogue.IsHealthNeed)) return (null, DeclineReason.NoHealthNeed);
        if (!Covers(referral.PostcodeSector)) return (null, DeclineReason.OutsideFootprint);
        if (Caseload.Count >= Capacity) return (null, DeclineReason.AtCapacity);
        if (namedNurseId is not null) return (Assignment.Explicit(this, namedNurseId, backupNurseId, referral.Needs, day), null);
        return Assignment.Choose(this, referral.Needs, day);
    }

    /// <summary>Admits a waiting referral, or refuses with the reason and changes nothing.</summary>
    public (Team Team, CaseloadEntry Entry) Admit(string referralId, DateTimeOffset now, string? namedNurseId = null, string? backupNurseId = null)
    {
        EnsureActive();
        var referral = WaitingReferral(referralId);
        if (referral.Status == ReferralStatus.Admitted)
            return CaseloadOf(referral.ClientId) is { } existing && existing.ReferralId == referralId
                ? (this, existing)
                : throw CareRuleException.Precondition("The client admitted on this referral has since been discharged; a new referral is needed.", "REFERRAL_CLOSED");
        if (CaseloadOf(referral.ClientId) is not null)
            throw CareRuleException.Precondition("The client is already on this team's caseload.", "ALREADY_ON_CASELOAD");
        var (pair, reason) = Evaluate(referral, CareTime.DateOf(now), namedNurseId, backupNurseId);
        if (reason is { } r)
            throw CareRuleException.Precondition($"Not admitted: {DeclineReasons.Explain(r, this)}", DeclineReasons.Code(r));
        var entry = new CaseloadEntry(referral.ClientId, referral.ReferralId, pair!.Named, pair.Backup, referral.Needs, now);
        var decided = referral with { Status = ReferralStatus.Admitted, DecidedAt = now };
        return (this with { Caseload = Caseload.Add(entry), Referrals = Referrals.Replace(referral, decided) }, entry);
    }

    public Team Decline(string referralId, DeclineReason reason, DateTimeOffset now)
    {
        var referral = Referral(referralId) ?? throw CareRuleException.NotFound("This team has no such referral.");
        if (referral.Status == ReferralStatus.Declined) return this;
        if (referral.Status == ReferralStatus.Admitted)
            throw CareRuleException.Precondition("The referral was admitted; discharge the client instead.", "ALREADY_ADMITTED");
        return this with { Referrals = Referrals.Replace(referral, referral with { Status = ReferralStatus.Declined, DeclineReason = reason, DecidedAt = now }) };
    }

    public Team Reassign(string clientId, string namedNurseId, string? backupNurseId, DateTimeOffset now)
    {
        EnsureActive();
        var entry = CaseloadOf(clientId) ?? throw NotOnCaseload();
        var pair = Assignment.Explicit(this, namedNurseId, backupNurseId, entry.Needs, CareTime.DateOf(now));
        return this with { Caseload = Caseload.Replace(entry, entry with { NamedNurseId = pair.Named, BackupNurseId = pair.Backup }) };
    }

    /// <summary>Raises or clears a flag on a client; a client no longer on the caseload is left alone.</summary>
    public Team Flag(string clientId, CaseloadFlag flag, bool raised)
    {
        if (CaseloadOf(clientId) is not { } entry || entry.ActiveFlags.Contains(flag) == raised) return this;
        var flags = raised ? entry.ActiveFlags.Add(flag) : entry.ActiveFlags.Remove(flag);
        return this with { Caseload = Caseload.Replace(entry, entry with { Flags = flags }) };
    }

    public (Team Team, CaseloadEntry Entry) Discharge(string clientId)
    {
        var entry = CaseloadOf(clientId) ?? throw NotOnCaseload();
        return (this with { Caseload = Caseload.Remove(entry) }, entry);
    }

    /// <summary>A member leaves: their named clients pass to their backups, who become named, and new backups are chosen.</summary>
    public (Team Team, Departure Departure) Leave(string nurseId, string requestId, DateTimeOffset now)
    {
        if (Departures.Find(d => d.RequestId == requestId && d.NurseId == nurseId) is { } done) return (this, done);
        var member = Member(nurseId) ?? throw CareRuleException.NotFound("The nurse is not a member of this team.");
        var (repaired, handovers) = Assignment.Repair(this with { Members = Members.Remove(member) }, CareTime.DateOf(now));
        var departure = new Departure(nurseId, requestId, now, handovers);
        var departures = Departures.Add(departure);
        if (departures.Count > 100) departures = departures.RemoveAt(0);
        return (repaired with { Departures = departures }, departure);
    }

    /// <summary>
    /// Records a leave period; when it has begun, the member's clients are handed over as if they had left. Leave starts
    /// today or later, unless the team's coach records leave that has already begun (sickness nobody could report), at
    /// most <see cref="MaxLeaveDaysBack"/> days back; it ends within <see cref="MaxLeaveYearsAhead"/> years.
    /// </summary>
    public (Team Team, ImmutableList<Handover> Handovers) StartLeave(
        string nurseId, LeavePeriod period, DateTimeOffset now, bool recordedByCoach = false)
    {
        period = period with { Reason = Text.Optional(period.Reason, "Leave reason") };
        var member = Member(nurseId) ?? throw CareRuleException.NotFound("The nurse is not a member of this team.");
        if (period.End < period.Start) throw CareRuleException.Invalid("A leave period must end on or after its start.");
        var today = CareTime.DateOf(now);
        if (period.End < today) throw CareRuleException.Invalid("A leave period must not lie wholly in the past.");
        if (!member.Leave.Contains(period))
        {
            if (period.Start < today.AddDays(-MaxLeaveDaysBack))
                throw CareRuleException.Invalid($"Leave starts at most {MaxLeaveDaysBack} days back: check its dates.");
            if (period.End > today.AddYears(MaxLeaveYearsAhead))
                throw CareRuleException.Invalid($"Leave is planned at most {MaxLeaveYearsAhead} years ahead: check the dates.");
            if (period.Start < today && !recordedByCoach)
                throw CareRuleException.Precondition(
                    "Leave that has already begun is recorded by the team's coach; leave you plan starts today or later.",
                    "LEAVE_IN_PAST");
        }
        if (member.Leave.Any(l => l.Start <= period.End && period.Start <= l.End && l != period))
            throw CareRuleException.Precondition("The leave period overlaps one already recorded.", "LEAVE_OVERLAPS");
        var updated = member.Leave.Contains(period) ? member : member with { Leave = member.Leave.Add(period) };
        return Assignment.Repair(this with { Members = Members.Replace(member, updated) }, today);
    }

    /// <summary>Ends the leave a member is on today; their clients stay with whoever holds them now.</summary>
    public Team EndLeave(string nurseId, DateTimeOffset now)
    {
        var member = Member(nurseId) ?? throw CareRuleException.NotFound("The nurse is not a member of this team.");
        var today = CareTime.DateOf(now);
        var current = member.Leave.Find(l => l.Covers(today));
        if (current is null) return this;
        var yesterday = today.AddDays(-1);
        var leave = current.Start > yesterday ? member.Leave.Remove(current) : member.Leave.Replace(current, current with { End = yesterday });
        return this with { Members = Members.Replace(member, member with { Leave = leave }) };
    }

    private Referral WaitingReferral(string referralId)
    {
        var referral = Referral(referralId) ?? throw CareRuleException.NotFound("This team has no such referral.");
        if (referral.Status == ReferralStatus.Declined)
            throw CareRuleException.Precondition("The referral was declined; a new referral is needed to admit the client.", "REFERRAL_DECLINED");
        return referral;
    }

    private static CareRuleException NotOnCaseload() =>
        new(RuleViolation.FailedPrecondition, "The client is not on this team's caseload.", "NOT_ON_CASELOAD");
}
