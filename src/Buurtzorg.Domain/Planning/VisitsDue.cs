using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Planning;

/// <summary>
/// The visits a client's care plan makes due on a day, as the team sees them at a moment, <c>now</c>: the
/// organisation's local wall-clock time, read as written (as the care record reads its timestamps).
/// <list type="bullet">
/// <item>Daily frequencies: n occurrences every day, the window cut into n equal slices (twice daily "any time" is
/// 08:00–14:00 and 14:00–20:00), so the occurrences are spread over the day.</item>
/// <item>Weekly frequencies: anchored on the day the intervention started; occurrence k of n falls on day
/// ⌊7k/n⌋ of each week counted from that day (three a week started on a Monday: Monday, Wednesday, Friday). Above
/// seven a week, some days get two, which share the window like a daily frequency.</item>
/// <item>On the day an intervention starts, only occurrences whose window ends after its start are due.</item>
/// <item>Missed: an occurrence is missed once its window has closed (at or before <c>now</c>) with no visit that day
/// listing the intervention (out-of-hours visits count). While its window is open, or still ahead, it is not missed.
/// </item>
/// <item>Carried over: a missed occurrence is due again on the next day only, once, in the intervention's whole
/// window, and not when the intervention is due that day anyway (that day's own occurrence does the care; nobody
/// gives yesterday's dressing twice). Missed again, it is not carried further: the next occurrence comes as planned.
/// So a once-a-week visit is listed on its day and, when missed, on the day after — never on a third day — and
/// today's visit is not carried over to tomorrow's list while its window is still open.</item>
/// <item>Combined: care of one client in the same concrete window joins one visit (one trip instead of two) while
/// the total fits the window and lasts at most <see cref="MaxCombinedMinutes"/>, a visit one nurse can take; a piece
/// of care longer than that is a visit of its own. Care due "any time" (the whole service day) then joins the
/// client's earliest other visit of the day within the same limits.</item>
/// </list>
/// Each occurrence due on a day is in exactly one of the day's visits.
/// </summary>
public static class VisitsDue
{
    /// <summary>The longest visit that combining care makes (one piece of care may be longer, alone).</summary>
    public const int MaxCombinedMinutes = 90;

    /// <summary>A follow-up visit the on-call nurse adds for the morning has this duration unless they say otherwise.</summary>
    public const int DefaultFollowUpMinutes = 30;

    /// <summary>The visits due on <paramref name="day"/> as they stand at <paramref name="now"/> (local time).</summary>
    public static ImmutableList<DueVisit> For(CareRecord record, DateOnly day, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.IsOnCaseload ? For(record.ClientId, record.Interventions, record.Visits, day, now) : [];
    }

    /// <summary>The same from the parts of a record that matter: its active interventions and its recorded visits.</summary>
    public static ImmutableList<DueVisit> For(
        string clientId, IEnumerable<Intervention> interventions, IEnumerable<Visit> visits, DateOnly day,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(interventions);
        ArgumentNullException.ThrowIfNull(visits);

        var yesterday = day.AddDays(-1);
        var doneYesterday = visits
            .Where(v => ServiceHours.DateOf(v.Start) == yesterday)
            .SelectMany(v => v.InterventionsDone.Distinct(StringComparer.Ordinal))
            .CountBy(id => id, StringComparer.Ordinal)
            .ToDictionary(StringComparer.Ordinal);

        var care = new List<Occurrence>();
        foreach (var intervention in interventions.OrderBy(i => i.InterventionId, StringComparer.Ordinal))
        {
            var slices = Slices(intervention, day);
            foreach (var (from, to, k) in slices)
                care.Add(new(new(DueOrigin.Scheduled, intervention.InterventionId, null, day, intervention.DurationMinutes),
                    intervention.TimeWindow, from, to, intervention.Skills, $"{intervention.InterventionId}#{k}"));
            var id = intervention.InterventionId;
            if (slices.Count == 0 && MissedOn(intervention, yesterday, now, doneYesterday.GetValueOrDefault(id)))
            {
                var (from, to) = Window(intervention.TimeWindow);
                care.Add(new(new(DueOrigin.CarriedOver, id, null, yesterday, intervention.DurationMinutes),
                    intervention.TimeWindow, from, to, intervention.Skills, $"{id}@{yesterday:yyyy-MM-dd}"));
            }
        }
        return Combine(clientId, day, care);
    }

    /// <summary>
    /// A team's visits due on a day: those its clients' care plans make due and the next-day visits the calls of the
    /// night before added, each once. What the team is shown (<c>GetVisitsDue</c>) and what the day planner plans
    /// (<c>ReviewDay</c>) are this one list.
    /// </summary>
    public static ImmutableList<DueVisit> OfTeamDay(IEnumerable<DueVisit> fromCarePlans, NightReview? lastNight)
    {
        ArgumentNullException.ThrowIfNull(fromCarePlans);
        return [.. fromCarePlans.Concat(lastNight?.NextDayVisits.Select(FollowUp) ?? [])
            .DistinctBy(v => v.VisitId, StringComparer.Ordinal)];
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

    /// <summary>
    /// Whether an occurrence of the intervention on <paramref name="on"/> was missed as of <paramref name="now"/>: its
    /// window has closed and fewer visits that day did the care than it was due.
    /// </summary>
    private static bool MissedOn(Intervention intervention, DateOnly on, DateTimeOffset now, int done)
    {
        var closed = Slices(intervention, on).Count(s => on.ToDateTime(ServiceHours.AtMinute(s.To)) <= now.DateTime);
        return closed > done;
    }

    private sealed class Draft(Occurrence first)
    {
        public TimeWindow Window { get; } = first.Window;
        public int From { get; } = first.From;
        public int To { get; } = first.To;
        public List<Occurrence> Care { get; } = [first];
        public int Minutes => Care.Sum(c => c.Care.Minutes);
        public bool Fits(int minutes) => Minutes + minutes <= Math.Min(To - From, MaxCombinedMinutes);
        public bool IsWholeDay => From == ServiceHours.MinuteOfDay(ServiceHours.Opens) && To == ServiceHours.MinuteOfDay(ServiceHours.Closes);
    }

    private static ImmutableList<DueVisit> Combine(string clientId, DateOnly day, List<Occurrence> care)
    {
        var drafts = new List<Draft>();
        foreach (var o in care.OrderBy(o => o.From).ThenBy(o => o.To).ThenBy(o => o.Key, StringComparer.Ordinal))
        {
            var draft = drafts.Find(d => d.From == o.From && d.To == o.To && d.Fits(o.Care.Minutes));
            if (draft is null) drafts.Add(new Draft(o));
            else draft.Care.Add(o);
        }

        // Care due any time of the day rides along with the client's earliest other visit when it fits there.
        foreach (var anyTime in drafts.Where(d => d.IsWholeDay).ToList())
        {
            var host = drafts.Where(d => !d.IsWholeDay).OrderBy(d => d.From).ThenBy(d => d.To)
                .FirstOrDefault(d => d.Fits(anyTime.Minutes));
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
