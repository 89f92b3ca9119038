using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;

namespace Buurtzorg.Simulator.History;

/// <summary>
/// What a client's history is made around: the care the record has in progress now. Null for a record that is not on a
/// caseload, or whose care plan has no intervention of an active problem.
/// </summary>
public sealed record CareFocus(string TeamId, string ProblemId, string InterventionId, TimeWindow Window, int InterventionMinutes, string NamedNurseId)
{
    public static CareFocus? Of(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.OpenEpisode is not { } episode) return null;
        // Interventions of resolved problems have left the list already; the newest one is the care given now.
        if (record.Interventions.FindLast(i => record.ActiveProblem(i.ProblemId) is not null) is not { } intervention) return null;
        // The record does not name the named nurse: the nurse who visits most in this episode is, or else whoever
        // planned the intervention (a team app records the care plan as the named nurse), when the record remembers it.
        var named = record.VisitsByNurse().OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key).FirstOrDefault()
            ?? record.RecentHistory.OfType<InterventionAdded>().LastOrDefault(i => i.InterventionId == intervention.InterventionId)?.RecordedBy;
        if (named is null) return null;
        return new CareFocus(episode.TeamId, intervention.ProblemId, intervention.InterventionId, intervention.TimeWindow, intervention.DurationMinutes, named);
    }
}

/// <summary>The entries made for one client, checked and applied in order, and the record they lead to.</summary>
public sealed record GeneratedHistory(ImmutableList<RecordEntry> Entries, CareRecord After, int Visits, int Ratings, int Notes, int AlreadyThere)
{
    public int Corrections => Entries.Count(e => e is Correction);
}

/// <summary>
/// A backdated stretch of care for one client, as the team would have recorded it: <c>visitsPerWeek</c> visits a week
/// doing the current intervention in its time window (mostly by the named nurse, sometimes by another member of the
/// team), a note a week, and a rating of the problem every fourth week (about monthly), all on the days before today.
/// Every entry passes <see cref="CareRecordRules.Check"/> against the record as it stands by then, at the real
/// <c>now</c>, and is applied with <see cref="CareRecord.Apply"/>.
/// With <c>correctEveryWeeks</c>, one visit in that many weeks is corrected later the same day (its length, entered
/// short), as nurses do from the office.
/// <para>
/// The entries are appended after what the record holds, so a record admitted today has a year of care dated before its
/// admission: the history is for measuring what records of that length cost, not for reading as a clinical story.
/// Ids derive from the seed, the client and the entry's number, so a second run with the same seed finds every entry
/// already there and adds nothing.
/// </para>
/// </summary>
public static class HistoryGenerator
{
    public const double NamedNurseShare = 0.75;
    public const int RatingEveryWeeks = 4;
    public const int CorrectedMinutes = 10;

    private static readonly string[] WeeklyNotes =
    [
        "Care given as planned this week; no change to the care plan.",
        "Progress reviewed with the client; plan continues.",
        "Client managing well between visits.",
        "Discussed the goals with the client; no new concerns.",
        "Supplies checked and reordered.",
    ];

    private static readonly string[] VisitNotes = ["Care given as planned.", "Client well today.", "No concerns."];

    /// <param name="stored">
    /// The entries the journal holds, oldest first, for a record that holds its present only (a loaded one): an entry
    /// already there is counted, not made again, and a correction is folded into them (a present cannot fold one). A
    /// record with its history knows them itself.
    /// </param>
    public static GeneratedHistory Generate(
        CareRecord record, CareFocus focus, IEnumerable<string> teamNurses, int weeks, int visitsPerWeek, int seed, DateTimeOffset now,
        IReadOnlyList<RecordEntry>? stored = null, int correctEveryWeeks = 0)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(focus);
        ArgumentNullException.ThrowIfNull(teamNurses);
        var random = new Random(StableSeed(seed, record.ClientId));
        var others = teamNurses.Concat(record.VisitsByNurse(currentEpisodeOnly: false).Keys)
            .Where(n => n != focus.NamedNurseId).Distinct().Order(StringComparer.Ordinal).ToList();
        var number = 0;
        string Id(string prefix) => Ids.Derive(prefix, $"history-{seed}-{record.ClientId}-{number++}");
        string Nurse() => others.Count == 0 || random.NextDouble() < NamedNurseShare ? focus.NamedNurseId : others[random.Next(others.Count)];

        // Care happens on the organisation's wall clock (Europe/London), and only within the client's episode: the rules
        // refuse visits before the admission (less the assessment visit's day), so history starts no earlier.
        var clock = new CareClock();
        now = clock.ToLocal(now);
        var today = CareTime.DateOf(now);
        var firstDay = today.AddDays(-7 * weeks);
        var episodeOpens = record.OpenEpisode is { } episode
            ? episode.AdmittedAt - CareRecordRules.AssessmentGrace
            : DateTimeOffset.MinValue;
        var (opens, closes) = ServiceHours.Of(focus.Window);
        var (from, to) = (opens.Hour * 60 + opens.Minute, closes.Hour * 60 + closes.Minute);
        var rating = new OutcomeRating(2 + random.Next(2), 2 + random.Next(2), 2 + random.Next(2));
        var planned = new List<RecordEntry>();
        for (var week = 0; week < weeks; week++)
        {
            var visits = new List<VisitRecorded>();
            foreach (var day in VisitDays(random, visitsPerWeek))
            {
                var minutes = Math.Clamp(focus.InterventionMinutes + random.Next(-5, 16), CareRecordRules.MinInterventionMinutes, CareRecordRules.MaxInterventionMinutes);
                var latest = Math.Max(from, to - minutes);
                var startMinute = (from + random.Next(latest - from + 1)) / 5 * 5;
                var start = clock.AtLocal(firstDay.AddDays(7 * week + day).ToDateTime(TimeOnly.MinValue)
                    .AddMinutes(startMinute));
                if (start < episodeOpens) continue;
                var direct = (int)Math.Round(minutes * (0.55 + random.NextDouble() * 0.3));
                var nurse = Nurse();
                var id = Id("visit");
                var note = random.Next(5) == 0 ? VisitNotes[random.Next(VisitNotes.Length)] : null;
                // Recorded as the visit ends, as a nurse does on the doorstep.
                visits.Add(new VisitRecorded(id, start.AddMinutes(minutes), nurse, id, nurse, start, minutes, direct, [focus.InterventionId], note, OutOfHours: false));
            }
            if (visits.Count == 0) continue;
            planned.AddRange(visits);
            var noted = visits[random.Next(visits.Count)];
            var noteId = Id("note");
            planned.Add(new NoteAdded(noteId, noted.At.AddMinutes(5 + random.Next(25)), noted.NurseId, noteId, WeeklyNotes[random.Next(WeeklyNotes.Length)]));
            if (correctEveryWeeks > 0 && week % correctEveryWeeks == correctEveryWeeks / 2
                && visits[^1] is var wrong && wrong.At.AddHours(2) <= now)
            {
                var minutes = Math.Min(wrong.DurationMinutes + CorrectedMinutes, CareRecordRules.MaxVisitMinutes);
                planned.Add(new Correction(Id("fix"), wrong.At.AddHours(2), wrong.NurseId, wrong.EntryId,
                    "Length of the visit entered short; corrected from the nurse's notes.", wrong with { DurationMinutes = minutes }));
            }
            if (week % RatingEveryWeeks == 0)
            {
                var rated = visits[0];
                var at = rated.At.AddMinutes(2);
                rating = Drift(random, rating);
                planned.Add(new RatingRecorded(Id("rate"), at, rated.NurseId, focus.ProblemId, rating, CareTime.DateOf(at), rated.NurseId));
            }
        }

        var entries = ImmutableList.CreateBuilder<RecordEntry>();
        var storedIds = stored?.Select(e => e.EntryId).ToHashSet(StringComparer.Ordinal);
        var alreadyThere = 0;
        var refold = false;
        foreach (var entry in planned.OrderBy(e => e.At))
        {
            if (storedIds?.Contains(entry.EntryId) == true)
            {
                alreadyThere++;
                continue;
            }
            var accepted = CareRecordRules.Check(record, entry, now, today);
            if (accepted is Correction && !record.HasHistory)
            {
                // A present cannot fold a correction (it changes an earlier step of the fold): the record is folded
                // again from the journal with the new entries once they are all made. A longer visit changes no rule
                // that the entries after it are checked by.
                entries.Add(accepted);
                refold = true;
                continue;
            }
            var next = record.Apply(accepted);
            if (ReferenceEquals(next, record))
            {
                alreadyThere++;
                continue;
            }
            record = next;
            entries.Add(accepted);
        }
        if (refold)
        {
            var history = stored ?? throw new InvalidOperationException("A present-only record is given corrections only with the journal's entries.");
            record = CareRecord.Replay(record.ClientId, history.Concat(entries)).Present();
        }
        return new GeneratedHistory(entries.ToImmutable(), record,
            entries.Count(e => e is VisitRecorded), entries.Count(e => e is RatingRecorded), entries.Count(e => e is NoteAdded), alreadyThere);
    }

    /// <summary>Days of the week (0 to 6) for the week's visits: different days up to seven, then some days twice.</summary>
    private static IEnumerable<int> VisitDays(Random random, int visitsPerWeek)
    {
        if (visitsPerWeek > 7) return Enumerable.Range(0, visitsPerWeek).Select(k => k * 7 / visitsPerWeek);
        var days = Enumerable.Range(0, 7).ToArray();
        random.Shuffle(days);
        return days.Take(visitsPerWeek).Order();
    }

    /// <summary>Each scale of the Omaha rating mostly holds, sometimes improves, now and then slips.</summary>
    private static OutcomeRating Drift(Random random, OutcomeRating rating)
    {
        int Step(int value) => Math.Clamp(value + random.NextDouble() switch { < 0.25 => 1, < 0.33 => -1, _ => 0 }, OutcomeRating.Lowest, OutcomeRating.Highest);
        return new OutcomeRating(Step(rating.Knowledge), Step(rating.Behaviour), Step(rating.Status));
    }

    /// <summary>The same seed gives each client the same draws in every run (string hash codes differ per process).</summary>
    private static int StableSeed(int seed, string clientId) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{clientId}")));
}
