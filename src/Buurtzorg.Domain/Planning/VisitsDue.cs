using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Planning;

/// <summary>
/// The visits a client's care plan makes due on a day.
/// <list type="bullet">
/// <item>Daily frequencies: n occurrences every day, the window cut into n equal slices (twice daily "any time" is
/// 08:00–14:00 and 14:00–20:00), so the occurrences are spread over the day.</item>
/// <item>Weekly frequencies: anchored on the day the intervention started; occurrence k of n falls on day
/// ⌊7k/n⌋ of each week counted from that day (three a week started on a Monday: Monday, Wednesday, Friday). Above
/// seven a week, some days get two, which share the window like a daily frequency.</item>
/// <item>On the day an intervention starts, only occurrences whose window ends after its start are due.</item>
/// <item>Carried over: an occurrence due in the last <c>carryOverDays</c> days (2 by default) that no visit listing the
/// intervention made up (visits settle the oldest outstanding occurrence first; out-of-hours visits count) is due
/// again today in the intervention's whole window, at most once, and only on a day the intervention is not due
/// anyway: today's own occurrence does that care, and nobody gives yesterday's dressing twice.</item>
/// <item>Combined: care of one client in the same concrete window joins one visit while the total fits the window
/// (one trip instead of two); care due "any time" (the whole service day) then joins the client's earliest other visit
/// of the day if it fits there.</item>
/// </list>
/// </summary>
public static class VisitsDue
{
    public const int DefaultCarryOverDays = 2;
    public const int MaxCarryOverDays = 7;

    /// <summary>A follow-up visit the on-call nurse adds for the morning has this duration unless they say otherwise.</summary>
    public const int DefaultFollowUpMinutes = 30;

    public static ImmutableList<DueVisit> For(CareRecord record, DateOnly day, int carryOverDays = DefaultCarryOverDays)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.IsOnCaseload ? For(record.ClientId, record.Interventions, record.Visits, day, carryOverDays) : [];
    }

    /// <summary>The same from the parts of a record that matter: its active interventions and its recorded visits.</summary>
    public static ImmutableList<DueVisit> For(
        string clientId, IEnumerable<Intervention> interventions, IEnumerable<Visit> visits, DateOnly day,
        int carryOverDays = DefaultCarryOverDays)
    {
        ArgumentNullException.ThrowIfNull(interventions);
        ArgumentNullException.ThrowIfNull(visits);
        if (carryOverDays is < 0 or > MaxCarryOverDays)
            throw CareRuleException.Invalid($"Missed visits carry over 0 to {MaxCarryOverDays} days.");

        var done = new Dictionary<(string, DateOnly), int>();
        foreach (var visit in visits)
        {
            var on = ServiceHours.DateOf(visit.Start);
            if (on >= day || on < day.AddDays(-carryOverDays)) continue;
            foreach (var id in visit.InterventionsDone.Distinct(StringComparer.Ordinal))
                done[(id, on)] = done.GetValueOrDefault((id, on)) + 1;
        }

        var care = new List<Occurrence>();
        foreach (var intervention in interventions.OrderBy(i => i.InterventionId, StringComparer.Ordinal))
        {
            var slices = Slices(intervention, day);
            foreach (var (from, to, k) in slices)
                care.Add(new(new(DueOrigin.Scheduled, intervention.InterventionId, null, day, intervention.DurationMinutes),
                    intervention.TimeWindow, from, to, intervention.Skills, $"{intervention.InterventionId}#{k}"));
            if (slices.Count == 0 && OldestMissed(intervention, day, carryOverDays, done) is { } missedOn)
            {
                var (from, to) = Window(intervention.TimeWindow);
                care.Add(new(new(DueOrigin.CarriedOver, intervention.InterventionId, null, missedOn, intervention.DurationMinutes),
                    intervention.TimeWindow, from, to, intervention.Skills, $"{intervention.InterventionId}@{missedOn:yyyy-MM-dd}"));
            }
        }
        return Combine(clientId, day, care);
    }

    /// <summary>How many times an intervention is due on a day (none before it started).</summary>
    public static int TimesOn(Intervention intervention, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(intervention);
        return Slices(intervention, day).Count;
    }

    /// <summary>The visit a night call added for the next morning, for the day planner.</summary>
    public static DueVisit FollowUp(CallLogEntry call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var request = call.NextDayVisit
            ?? throw CareRuleException.Invalid("Only a call whose outcome added a next-day visit has a follow-up.");
        var day = call.Night.AddDays(1);
        var (from, to) = ServiceHours.Of(request.Window);
        return new(Ids.Derive("visit", $"call/{call.CallId}"), call.ClientId, day, request.Window, from, to,
            request.DurationMinutes, request.Skills, [new(DueOrigin.NightCall, null, call.CallId, day, request.DurationMinutes)]);
    }

    private sealed record Occurrence(DueCare Care, TimeWindow Window, int From, int To, ImmutableSortedSet<Skill> Skills, string Key);

    private static (int From, int To) Window(TimeWindow window)
    {
        var (from, to) = ServiceHours.Of(window);
        return (ServiceHours.MinuteOfDay(from), ServiceHours.MinuteOfDay(to));
    }

    /// <summary>The concrete window of each occurrence due on a day, with its index within the day.</summary>
    private static List<(int From, int To, int K)> Slices(Intervention intervention, DateOnly day)
    {
        var started = intervention.StartedAt;
        var startDay = ServiceHours.DateOf(started);
        var slices = new List<(int, int, int)>();
        if (day < startDay) return slices;

        var times = intervention.Frequency.Period == FrequencyPeriod.Day
            ? intervention.Frequency.Times
            : WeeklyTimesOn(intervention.Frequency.Times, (day.DayNumber - startDay.DayNumber) % 7);
        var (from, to) = Window(intervention.TimeWindow);
        var startMinute = (started.Hour * 60) + started.Minute;
        for (var k = 0; k < times; k++)
        {
            var a = from + ((to - from) * k / times);
            var b = from + ((to - from) * (k + 1) / times);
            if (day == startDay && b <= startMinute) continue;
            slices.Add((a, b, k));
        }
        return slices;
    }

    /// <summary>Occurrence k of n a week falls on day ⌊7k/n⌋ of the week, counted from the intervention's start.</summary>
    private static int WeeklyTimesOn(int timesPerWeek, int dayOfWeek)
    {
        var count = 0;
        for (var k = 0; k < timesPerWeek; k++)
            if (k * 7 / timesPerWeek == dayOfWeek) count++;
        return count;
    }

    private static DateOnly? OldestMissed(Intervention intervention, DateOnly day, int carryOverDays, Dictionary<(string, DateOnly), int> done)
    {
        var outstanding = new Queue<DateOnly>();
        for (var on = day.AddDays(-carryOverDays); on < day; on = on.AddDays(1))
        {
            for (var k = Slices(intervention, on).Count; k > 0; k--) outstanding.Enqueue(on);
            for (var n = done.GetValueOrDefault((intervention.InterventionId, on)); n > 0 && outstanding.Count > 0; n--) outstanding.Dequeue();
        }
        return outstanding.Count > 0 ? outstanding.Peek() : null;
    }

    private sealed class Draft(Occurrence first)
    {
        public TimeWindow Window { get; } = first.Window;
        public int From { get; } = first.From;
        public int To { get; } = first.To;
        public List<Occurrence> Care { get; } = [first];
        public int Minutes => Care.Sum(c => c.Care.Minutes);
        public bool Fits(Occurrence o) => Minutes + o.Care.Minutes <= To - From;
        public bool IsWholeDay => From == ServiceHours.MinuteOfDay(ServiceHours.Opens) && To == ServiceHours.MinuteOfDay(ServiceHours.Closes);
    }

    private static ImmutableList<DueVisit> Combine(string clientId, DateOnly day, List<Occurrence> care)
    {
        var drafts = new List<Draft>();
        foreach (var o in care.OrderBy(o => o.From).ThenBy(o => o.To).ThenBy(o => o.Key, StringComparer.Ordinal))
        {
            var draft = drafts.Find(d => d.From == o.From && d.To == o.To && d.Fits(o));
            if (draft is null) drafts.Add(new Draft(o));
            else draft.Care.Add(o);
        }

        // Care due any time of the day rides along with the client's earliest other visit when it fits there.
        foreach (var anyTime in drafts.Where(d => d.IsWholeDay).ToList())
        {
            var host = drafts.Where(d => !d.IsWholeDay).OrderBy(d => d.From).ThenBy(d => d.To).FirstOrDefault(d => d.Minutes + anyTime.Minutes <= d.To - d.From);
            if (host is null) continue;
            host.Care.AddRange(anyTime.Care);
            drafts.Remove(anyTime);
        }

        return drafts
            .Select(d =>
            {
                var keys = string.Join('+', d.Care.Select(c => c.Key));
                return new DueVisit(Ids.Derive("visit", $"{clientId}/{day:yyyy-MM-dd}/{keys}"), clientId, day, d.Window,
                    ServiceHours.AtMinute(d.From), ServiceHours.AtMinute(d.To), d.Minutes,
                    d.Care.SelectMany(c => c.Skills).ToImmutableSortedSet(), d.Care.Select(c => c.Care).ToImmutableList());
            })
            .OrderBy(v => v.WindowStart).ThenBy(v => v.WindowEnd).ThenBy(v => v.VisitId, StringComparer.Ordinal)
            .ToImmutableList();
    }
}
