using System.Collections.Immutable;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>
/// What the visits due must satisfy over generated weeks: 300 clients (seeded), each with a care plan of one to six
/// interventions at daily and weekly frequencies in every window, followed for four weeks. Each day the team lists the
/// day's visits the evening before, at its morning review and at midday, and nurses do the visits of the morning list:
/// all of them, or with some missed.
/// </summary>
public sealed class VisitsDuePropertyTests
{
    private const int Clients = 300;
    private const int Days = 28;
    private static readonly DateOnly First = new(2026, 3, 2);

    private static readonly TimeWindow[] Windows =
        [TimeWindow.Any, TimeWindow.Morning, TimeWindow.Midday, TimeWindow.Afternoon, TimeWindow.Evening];

    /// <summary>One listing of a day: when it was asked for, and what it gave.</summary>
    private sealed record Listing(DateOnly Day, DateTimeOffset Now, ImmutableList<DueVisit> Visits);

    /// <summary>One client's four weeks: the care plan, every listing, and the visits done.</summary>
    private sealed record Weeks(int Seed, ImmutableList<Intervention> Plan, List<Listing> Listings, List<Visit> Done)
    {
        private readonly Lazy<ILookup<DateOnly, Visit>> _byDay =
            new(() => Done.ToLookup(v => DateOnly.FromDateTime(v.Start.DateTime)));

        /// <summary>How many visits on a day did the intervention (read once the four weeks are over).</summary>
        public int DoneOn(string interventionId, DateOnly day) =>
            _byDay.Value[day].Count(v => v.InterventionsDone.Contains(interventionId));

        public override string ToString() => $"Client weeks {Seed}";
    }

    /// <summary>
    /// A care plan from a seed. Interventions start within the first week at a time before 08:00, so that no
    /// occurrence of the first day is dropped for having ended before the start and every period is a whole one.
    /// </summary>
    private static ImmutableList<Intervention> CarePlan(Random rng) =>
        [.. Enumerable.Range(1, rng.Next(1, 7)).Select(i =>
        {
            var frequency = rng.NextDouble() < 0.4 ? Daily(rng.Next(1, VisitFrequency.MaxPerDay + 1))
                : Weekly(rng.Next(1, VisitFrequency.MaxPerWeek + 1));
            var minutes = 5 * rng.Next(1, rng.NextDouble() < 0.1 ? 48 : 13); // mostly 5–60, now and then up to 235
            return Intervention($"int-{i}", frequency, Windows[rng.Next(Windows.Length)], minutes,
                At(First.AddDays(rng.Next(0, 7)), rng.Next(0, 8), 5 * rng.Next(0, 12)));
        })];

    private static Weeks Follow(int seed, double missed)
    {
        var rng = new Random(seed);
        var plan = CarePlan(rng);
        var weeks = new Weeks(seed, plan, [], []);
        for (var day = First; day < First.AddDays(Days); day = day.AddDays(1))
        {
            foreach (var now in new[] { At(day.AddDays(-1), 18), At(day, 7), At(day, 12) })
                weeks.Listings.Add(new(day, now, VisitsDue.For("c1", plan, weeks.Done, day, now)));
            var morning = weeks.Listings.Single(l => l.Day == day && l.Now == At(day, 7));
            foreach (var visit in morning.Visits.Where(_ => rng.NextDouble() >= missed))
            {
                weeks.Done.Add(new(
                    $"v-{weeks.Done.Count}", "ep-1", "n1", At(day, visit.WindowStart.Hour, visit.WindowStart.Minute),
                    visit.DurationMinutes, visit.DurationMinutes,
                    [.. visit.Care.Select(c => c.InterventionId!)], null, false, $"e-{weeks.Done.Count}"));
            }
        }
        return weeks;
    }

    private static readonly Lazy<IReadOnlyList<Weeks>> AllDone =
        new(() => [.. Enumerable.Range(1, Clients).Select(seed => Follow(seed, missed: 0))]);

    private static readonly Lazy<IReadOnlyList<Weeks>> SomeMissed =
        new(() => [.. Enumerable.Range(1, Clients).Select(seed => Follow(seed, missed: 0.3))]);

    private static IEnumerable<(Weeks Weeks, Listing Listing)> Every(IEnumerable<Weeks> all) =>
        all.SelectMany(w => w.Listings.Select(l => (w, l)));

    [Fact]
    public void With_every_listed_visit_done_each_interventions_frequency_is_met_exactly_over_its_period()
    {
        foreach (var weeks in AllDone.Value)
        {
            Assert.DoesNotContain(weeks.Listings, l => l.Visits.Exists(v => v.IsCarriedOver));
            foreach (var intervention in weeks.Plan)
            {
                var start = DateOnly.FromDateTime(intervention.StartedAt.DateTime);
                int DoneIn(DateOnly from, int days) =>
                    Enumerable.Range(0, days).Sum(d => weeks.DoneOn(intervention.InterventionId, from.AddDays(d)));

                Assert.Equal(0, DoneIn(First, start.DayNumber - First.DayNumber));
                var (times, period) = intervention.Frequency.Period == FrequencyPeriod.Day
                    ? (intervention.Frequency.Times, 1)
                    : (intervention.Frequency.Times, 7);
                for (var from = start; from.AddDays(period) <= First.AddDays(Days); from = from.AddDays(period))
                {
                    Assert.True(DoneIn(from, period) == times,
                        $"{weeks}: {intervention.InterventionId} {intervention.Frequency} from {from}");
                }
            }
        }
    }

    [Fact]
    public void A_missed_occurrence_is_carried_over_once_to_the_next_day_only_after_its_window_closed()
    {
        var carried = 0;
        foreach (var (weeks, listing) in Every(SomeMissed.Value))
        {
            foreach (var care in listing.Visits.SelectMany(v => v.Care).Where(c => c.Origin == DueOrigin.CarriedOver))
            {
                carried++;
                var intervention = weeks.Plan.Single(i => i.InterventionId == care.InterventionId);
                var closes = care.DueOn.ToDateTime(ServiceHours.Of(intervention.TimeWindow).To);
                Assert.True(care.DueOn == listing.Day.AddDays(-1), $"{weeks}: {care} on {listing.Day}");
                Assert.True(closes <= listing.Now.DateTime, $"{weeks}: {care} carried at {listing.Now}, window open");
                Assert.True(VisitsDue.TimesOn(intervention, care.DueOn) > 0, $"{weeks}: {care} was not due");
                Assert.True(VisitsDue.TimesOn(intervention, listing.Day) == 0, $"{weeks}: {care} due that day anyway");
                Assert.True(weeks.DoneOn(intervention.InterventionId, care.DueOn) == 0, $"{weeks}: {care} was done");
            }
        }
        foreach (var weeks in SomeMissed.Value)
        {
            var days = weeks.Listings.SelectMany(l => l.Visits.SelectMany(v => v.Care)
                    .Where(c => c.Origin == DueOrigin.CarriedOver).Select(c => (c.InterventionId, c.DueOn, l.Day)))
                .Distinct().GroupBy(c => (c.InterventionId, c.DueOn));
            Assert.All(days, g => Assert.Single(g));
        }
        Assert.True(carried > 100, $"Only {carried} carried-over occurrences: the generated weeks miss too little.");
    }

    [Fact]
    public void Every_occurrence_missed_is_listed_next_morning_unless_the_care_is_due_that_day_anyway()
    {
        foreach (var weeks in SomeMissed.Value)
        {
            foreach (var listing in weeks.Listings.Where(l => l.Now == At(l.Day, 7) && l.Day > First))
            {
                var yesterday = listing.Day.AddDays(-1);
                var expected = weeks.Plan
                    .Where(i => VisitsDue.TimesOn(i, yesterday) > 0 && VisitsDue.TimesOn(i, listing.Day) == 0)
                    .Where(i => weeks.DoneOn(i.InterventionId, yesterday) == 0)
                    .Select(i => i.InterventionId);
                var listed = listing.Visits.SelectMany(v => v.Care)
                    .Where(c => c.Origin == DueOrigin.CarriedOver).Select(c => c.InterventionId);
                Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Each_occurrence_due_is_listed_once_on_its_day_and_no_combined_visit_exceeds_the_limit()
    {
        foreach (var (weeks, listing) in Every(AllDone.Value.Concat(SomeMissed.Value)))
        {
            Assert.Equal(listing.Visits.Count, listing.Visits.Select(v => v.VisitId).Distinct().Count());
            foreach (var intervention in weeks.Plan)
            {
                var id = intervention.InterventionId;
                var care = listing.Visits.SelectMany(v => v.Care).Where(c => c.InterventionId == id).ToList();
                var scheduled = care.Count(c => c.Origin == DueOrigin.Scheduled);
                Assert.True(scheduled == VisitsDue.TimesOn(intervention, listing.Day), $"{weeks}: {id} on {listing.Day}");
                Assert.True(care.Count - scheduled <= (scheduled == 0 ? 1 : 0), $"{weeks}: {id} twice on {listing.Day}");
            }
            foreach (var visit in listing.Visits)
            {
                Assert.Equal(visit.DurationMinutes, visit.Care.Sum(c => c.Minutes));
                var alone = visit.Care.Count == 1;
                Assert.True(alone || visit.DurationMinutes <= VisitsDue.MaxCombinedMinutes, $"{weeks}: {visit} is too long");
                Assert.True(alone || visit.DurationMinutes <= visit.WindowMinutes, $"{weeks}: {visit} overruns its window");
            }
        }
    }
}
