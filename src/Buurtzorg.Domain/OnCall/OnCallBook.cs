using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.OnCall;

/// <summary>Who is on call on a night, and who put them there.</summary>
public sealed record OnCallShift(DateOnly Night, string NurseId, string AssignedBy, DateTimeOffset AssignedAt);

/// <summary>
/// A team's nights: its night window, the rota of who is on call each night, and the log of calls the on-call nurse
/// took. Immutable; every rule returns a new book or throws <see cref="CareRuleException"/> and changes nothing.
/// <list type="bullet">
/// <item>The rota names one member per night; the member may not be on leave on either date the night touches. A
/// night's nurse can be changed until the night starts, not after (the calls logged name the nurse who took them).</item>
/// <item>A call is logged by the nurse on call that night, about a client on the team's caseload, at a time inside the
/// night window: in the day the team itself takes the call and plans any visit in the day plan. It is logged during or
/// after its night, never before the call came (not in the future beyond the clock tolerance), and within
/// <see cref="MaxCallAgeDays"/> days of it.</item>
/// <item>Logging the same call id again with the same content is a retry and changes nothing.</item>
/// </list>
/// </summary>
public sealed record OnCallBook(
    string TeamId,
    OnCallPolicy Policy,
    ImmutableList<OnCallShift> Rota,
    ImmutableList<CallLogEntry> Calls)
{
    /// <summary>The rota is planned at most a year ahead.</summary>
    public const int MaxNightsAhead = 366;

    /// <summary>A call is logged within a week of taking it: the next morning's review reads the night's calls.</summary>
    public const int MaxCallAgeDays = 7;

    public static OnCallBook Create(string teamId, OnCallPolicy? policy = null) =>
        new(Ids.Parse(teamId, "Team id"), (policy ?? OnCallPolicy.Default).Validated(), [], []);

    public OnCallBook WithPolicy(OnCallPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return this with { Policy = policy.Validated() };
    }

    public string? NurseOnCall(DateOnly night) => Rota.Find(s => s.Night == night)?.NurseId;

    public DateOnly? NightOf(DateTimeOffset at) => Policy.NightOf(at);

    public CallLogEntry? Call(string callId) => Calls.Find(c => c.CallId == callId);

    /// <summary>The night's calls in the order they came.</summary>
    public ImmutableList<CallLogEntry> CallsOf(DateOnly night) => Calls.FindAll(c => c.Night == night);

    /// <summary>Puts a member on call for a night (replacing whoever was on it) before the night starts.</summary>
    public OnCallBook AssignNight(Team team, DateOnly night, string nurseId, string by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(team);
        var who = Text.Required(by, "Who changes the rota", 64);
        var member = team.Member(nurseId)
            ?? throw CareRuleException.Precondition("The nurse is not a member of this team.", "NOT_A_MEMBER");
        if (member.IsOnLeave(night) || member.IsOnLeave(night.AddDays(1)))
            throw CareRuleException.Precondition("The nurse is on leave that night.", "ON_LEAVE");
        var (start, _) = Policy.Bounds(night);
        if (at.DateTime >= start)
            throw CareRuleException.Precondition("The night has started: its on-call nurse can no longer be changed.", "NIGHT_STARTED");
        if (night > CareTime.DateOf(at).AddDays(MaxNightsAhead))
            throw CareRuleException.Invalid($"The on-call rota is planned at most {MaxNightsAhead} nights ahead.");

        var existing = Rota.Find(s => s.Night == night);
        if (existing?.NurseId == member.NurseId) return this;
        var shift = new OnCallShift(night, member.NurseId, who, at);
        var rota = existing is null ? Rota.Add(shift) : Rota.Replace(existing, shift);
        return this with { Rota = [.. rota.OrderBy(s => s.Night)] };
    }

    /// <summary>Logs a call the on-call nurse took at <paramref name="at"/>, or refuses it and changes nothing.</summary>
    /// <param name="now">When the call is logged.</param>
    public OnCallBook LogCall(
        Team team, string callId, DateTimeOffset at, string clientId, string nurseId, TriageOutcome outcome, string note,
        DateTimeOffset now, NextDayVisitRequest? nextDayVisit = null)
    {
        ArgumentNullException.ThrowIfNull(team);
        var id = Ids.Parse(callId, "Call id");
        var text = Text.Required(note, "The call note", CallLogEntry.NoteMax, multiline: true);
        var triage = SkillCatalogue.ParseEnum<TriageOutcome>((int)outcome, "The triage outcome");
        NextDayVisitRequest? followUp = null;
        if (triage == TriageOutcome.NextDayVisitAdded) followUp = (nextDayVisit ?? NextDayVisitRequest.Default).Validated();
        else if (nextDayVisit is not null)
            throw CareRuleException.Invalid("Only a call whose outcome is a next-day visit describes one.");

        var night = Policy.NightOf(at);
        var entry = new CallLogEntry(id, at, night ?? default, clientId, nurseId, triage, text, followUp);
        if (Call(id) is { } logged)
            return SameCall(logged, entry) ? this
                : throw new CareRuleException(RuleViolation.AlreadyExists, "A different call with this id is already logged.", "CALL_EXISTS");

        CareTime.NotInFuture(at, now, "A call's time");
        if (at < now.AddDays(-MaxCallAgeDays))
            throw CareRuleException.Invalid($"A call is logged within {MaxCallAgeDays} days of taking it: check its time.");

        if (team.CaseloadOf(clientId) is null)
            throw CareRuleException.Precondition("The client is not on this team's caseload: only the team's own clients are triaged by its on-call nurse.", "NOT_ON_CASELOAD");
        if (night is null)
            throw CareRuleException.Precondition(
                $"Calls to the on-call nurse are logged between {Policy.NightStarts:HH:mm} and {Policy.NightEnds:HH:mm}; in the day the team takes the call.",
                "OUTSIDE_NIGHT");
        var onCall = NurseOnCall(night.Value)
            ?? throw CareRuleException.Precondition("Nobody is on the rota for this night: put the nurse on call first.", "NO_ON_CALL_NURSE");
        if (onCall != nurseId)
            throw CareRuleException.Precondition("Only the nurse on call this night logs its calls: change the rota first.", "NOT_ON_CALL");

        return this with { Calls = [.. Calls.Add(entry).OrderBy(c => c.At).ThenBy(c => c.CallId, StringComparer.Ordinal)] };
    }

    /// <summary>
    /// The night as the day team reviews it next morning: every call, and every out-of-hours visit of the night found in
    /// the clients' records. A call that requested an out-of-hours visit is answered by the client's first out-of-hours
    /// visit that starts at or after the call, in the same night, not already answering another call.
    /// </summary>
    public NightReview Review(DateOnly night, IEnumerable<OutOfHoursVisit> outOfHoursVisits)
    {
        ArgumentNullException.ThrowIfNull(outOfHoursVisits);
        var calls = CallsOf(night);
        var visits = outOfHoursVisits
            .Where(v => Policy.NightOf(v.Start) == night)
            .DistinctBy(v => (v.ClientId, v.VisitId))
            .OrderBy(v => v.Start).ThenBy(v => v.VisitId, StringComparer.Ordinal)
            .ToList();

        var clients = calls.Select(c => c.ClientId).Concat(visits.Select(v => v.ClientId))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(clientId =>
            {
                var theirCalls = calls.FindAll(c => c.ClientId == clientId);
                var theirVisits = visits.Where(v => v.ClientId == clientId).ToList();
                var answeredBy = new Dictionary<string, string>(StringComparer.Ordinal); // visit id → call id
                var awaiting = ImmutableList.CreateBuilder<string>();
                foreach (var call in theirCalls.Where(c => c.Outcome == TriageOutcome.OutOfHoursVisitRequested))
                {
                    var visit = theirVisits.Find(v => v.Start >= call.At && !answeredBy.ContainsKey(v.VisitId));
                    if (visit is null) awaiting.Add(call.CallId);
                    else answeredBy[visit.VisitId] = call.CallId;
                }
                return new ClientNight(clientId, theirCalls,
                    [.. theirVisits.Select(v => new NightVisit(v, answeredBy.GetValueOrDefault(v.VisitId)))], awaiting.ToImmutable());
            })
            .ToImmutableList();
        return new NightReview(TeamId, night, NurseOnCall(night), clients);
    }

    /// <summary>Drops rota nights and calls before a night, once they are in the records and reviews that keep them.</summary>
    public OnCallBook ForgetBefore(DateOnly night) =>
        this with { Rota = Rota.RemoveAll(s => s.Night < night), Calls = Calls.RemoveAll(c => c.Night < night) };

    private static bool SameCall(CallLogEntry a, CallLogEntry b) =>
        a.At == b.At && a.ClientId == b.ClientId && a.NurseId == b.NurseId && a.Outcome == b.Outcome && a.Note == b.Note
        && a.NextDayVisit?.Window == b.NextDayVisit?.Window && a.NextDayVisit?.DurationMinutes == b.NextDayVisit?.DurationMinutes
        && (a.NextDayVisit?.Skills ?? []).SetEquals(b.NextDayVisit?.Skills ?? []);
}
