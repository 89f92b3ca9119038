using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>One generated team-day: the team with its caseload, the rota, the visits due and who visited lately.</summary>
internal sealed record TeamDay(
    int Seed,
    DateOnly Day,
    Team Team,
    DutyRota Rota,
    ImmutableList<DueVisit> Visits,
    ImmutableList<RecentVisit> Recent)
{
    /// <summary>Due minutes with travel over rostered minutes of nurses not on leave: above 1 the day cannot all be done.</summary>
    public double Load(int travel) =>
        (double)Visits.Sum(v => v.DurationMinutes + travel)
        / Math.Max(1, Rota.Duties.Where(d => !Team.Member(d.NurseId)!.IsOnLeave(Day)).Sum(d => d.Minutes));

    public override string ToString() => $"Team-day {Seed}";
}

/// <summary>
/// Realistic team-days from a seed: 8–12 members (registered and district nurses, nursing assistants; 16 to 37.5
/// hours), 40–60 clients whose care plans mix personal care, wound care, insulin, medicines, catheter, stoma,
/// palliative, dementia and respiratory care at daily and weekly frequencies and in every window, named nurses chosen
/// by the team's own assignment rule, two weeks of recorded visits (most by the named nurse, some missed, so some
/// care carries over), leave for some members on some days, and a rota drawn up against the day's work. The visits due come from <see cref="VisitsDue"/>, as they would in the system.
/// </summary>
internal static class TeamDayGenerator
{
    private static readonly DateOnly FirstDay = new(2026, 3, 2);
    private const int HistoryDays = 14;

    private static readonly decimal[] Hours = [16m, 20m, 24m, 30m, 32m, 37.5m, 37.5m, 37.5m];

    private static readonly Skill[] RegistrantExtras =
        [Skill.PalliativeCare, Skill.CatheterCare, Skill.Venepuncture, Skill.StomaCare, Skill.ContinenceCare, Skill.RespiratoryCare, Skill.DementiaCare, Skill.MentalHealthSupport];

    private static readonly Skill[] AssistantExtras = [Skill.ContinenceCare, Skill.DementiaCare, Skill.StomaCare, Skill.CatheterCare];

    private sealed record Care(string Target, VisitFrequency Frequency, TimeWindow Window, int Minutes, Skill[] Skills, int Weight);

    private static readonly Care[] Kinds =
    [
        new("personal care", new(1, FrequencyPeriod.Day), TimeWindow.Morning, 35, [Skill.PersonalCare], 10),
        new("personal care evening", new(1, FrequencyPeriod.Day), TimeWindow.Evening, 30, [Skill.PersonalCare], 5),
        new("wound care", new(3, FrequencyPeriod.Week), TimeWindow.Any, 30, [Skill.WoundCare], 8),
        new("leg ulcer", new(2, FrequencyPeriod.Week), TimeWindow.Morning, 40, [Skill.WoundCare], 4),
        new("insulin", new(2, FrequencyPeriod.Day), TimeWindow.Any, 15, [Skill.DiabetesCare, Skill.MedicinesAdministration], 6),
        new("medicines", new(1, FrequencyPeriod.Day), TimeWindow.Morning, 15, [Skill.MedicinesAdministration], 6),
        new("catheter", new(1, FrequencyPeriod.Week), TimeWindow.Any, 30, [Skill.CatheterCare], 3),
        new("stoma", new(2, FrequencyPeriod.Week), TimeWindow.Afternoon, 30, [Skill.StomaCare], 2),
        new("palliative", new(1, FrequencyPeriod.Day), TimeWindow.Midday, 45, [Skill.PalliativeCare], 3),
        new("palliative syringe driver", new(1, FrequencyPeriod.Day), TimeWindow.Morning, 30, [Skill.PalliativeCare, Skill.MedicinesAdministration], 2),
        new("blood test", new(1, FrequencyPeriod.Week), TimeWindow.Morning, 15, [Skill.Venepuncture], 3),
        new("dementia support", new(3, FrequencyPeriod.Week), TimeWindow.Afternoon, 45, [Skill.DementiaCare], 3),
        new("continence", new(1, FrequencyPeriod.Day), TimeWindow.Midday, 20, [Skill.ContinenceCare], 3),
        new("breathing", new(2, FrequencyPeriod.Week), TimeWindow.Midday, 30, [Skill.RespiratoryCare], 2),
        new("mental health", new(1, FrequencyPeriod.Week), TimeWindow.Afternoon, 45, [Skill.MentalHealthSupport], 2),
        new("reablement", new(5, FrequencyPeriod.Week), TimeWindow.Morning, 40, [Skill.PersonalCare], 4),
    ];

    /// <param name="seed">The day's seed; the same seed always gives the same day.</param>
    /// <param name="fullSize">
    /// The largest team the care model allows, busy: 12 members, 60 clients with fuller care plans (about 100 visits a
    /// day), for timing the planner at the size the design names.
    /// </param>
    public static TeamDay Generate(int seed, bool fullSize = false)
    {
        var rng = new Random(seed);
        var day = FirstDay.AddDays(seed % 28);
        var admitted = new DateTimeOffset(day.AddDays(-90).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

        var team = Team.Apply("team-gen", "Generated", [PostcodeArea.Parse("E3")], [], null, admitted).Approve();
        var memberCount = fullSize ? 12 : rng.Next(8, 13);
        for (var i = 1; i <= memberCount; i++) team = team.Join(NewMember(rng, $"n{i:D2}", day, admitted));

        var clientCount = fullSize ? 60 : rng.Next(40, 61);
        var interventions = new Dictionary<string, List<Intervention>>(StringComparer.Ordinal);
        var caseload = team.Caseload;
        for (var c = 1; c <= clientCount; c++)
        {
            var clientId = $"c{c:D2}";
            var plan = NewCarePlan(rng, clientId, day, fullSize);
            interventions[clientId] = plan;
            var needs = plan.SelectMany(i => i.Skills).ToImmutableSortedSet();
            var (pair, _) = Assignment.Choose(team with { Caseload = caseload }, needs, day.AddDays(-60));
            var named = pair?.Named ?? team.Members[rng.Next(team.Members.Count)].NurseId;
            var backup = pair?.Backup;
            caseload = caseload.Add(new CaseloadEntry(clientId, $"ref-{clientId}", named, backup, needs, admitted));
        }
        team = team with { Caseload = caseload };

        var history = RecordedHistory(rng, team, interventions, day);
        var visits = interventions
            .SelectMany(kv =>
                VisitsDue.For(kv.Key, kv.Value, history.GetValueOrDefault(kv.Key, []), day, MorningOf(day)))
            .ToImmutableList();
        var recent = history.SelectMany(kv => kv.Value.Select(v => new RecentVisit(kv.Key, v.NurseId, DateOnly.FromDateTime(v.Start.DateTime))))
            .ToImmutableList();
        return new TeamDay(seed, day, team, NewRota(rng, team, day, visits), visits, recent);
    }

    /// <summary>The team lists a day's visits at 07:00 that morning, when the day before is over.</summary>
    private static DateTimeOffset MorningOf(DateOnly day) => new(day.ToDateTime(new TimeOnly(7, 0)), TimeSpan.Zero);

    private static TeamMember NewMember(Random rng, string id, DateOnly day, DateTimeOffset joined)
    {
        var roll = rng.NextDouble();
        var role = roll < 0.45 ? NurseRole.RegisteredNurse : roll < 0.6 ? NurseRole.DistrictNurse : NurseRole.NursingAssistant;
        var skills = new SortedSet<Skill> { Skill.PersonalCare };
        if (role == NurseRole.NursingAssistant)
        {
            foreach (var s in AssistantExtras) if (rng.NextDouble() < 0.35) skills.Add(s);
            // Now and then a team lists a registrant-only skill against an assistant; the planner must not use it.
            if (rng.NextDouble() < 0.15) skills.Add(Skill.MedicinesAdministration);
        }
        else
        {
            skills.UnionWith([Skill.WoundCare, Skill.MedicinesAdministration, Skill.DiabetesCare]);
            foreach (var s in RegistrantExtras) if (rng.NextDouble() < (role == NurseRole.DistrictNurse ? 0.6 : 0.3)) skills.Add(s);
        }

        var leave = ImmutableList<LeavePeriod>.Empty;
        var leaveRoll = rng.NextDouble();
        if (leaveRoll < 0.12) leave = leave.Add(new LeavePeriod(day.AddDays(-rng.Next(0, 5)), day.AddDays(rng.Next(0, 5)), "Annual leave"));
        else if (leaveRoll < 0.2) leave = leave.Add(new LeavePeriod(day.AddDays(3), day.AddDays(10), "Annual leave"));
        return new TeamMember(id, $"Nurse {id}", role, Hours[rng.Next(Hours.Length)], [.. skills], joined, leave);
    }

    private static List<Intervention> NewCarePlan(Random rng, string clientId, DateOnly day, bool full)
    {
        var total = Kinds.Sum(k => k.Weight);
        var count = rng.NextDouble() switch { < 0.35 => full ? 2 : 1, < 0.8 => full ? 3 : 2, _ => full ? 4 : 3 };
        var chosen = new List<Care>();
        while (chosen.Count < count)
        {
            var pick = rng.Next(total);
            var kind = Kinds.First(k => (pick -= k.Weight) < 0);
            if (!chosen.Contains(kind)) chosen.Add(kind);
        }
        return [.. chosen.Select((kind, i) =>
        {
            var started = day.AddDays(-rng.Next(0, 60)).ToDateTime(new TimeOnly(rng.Next(8, 18), 0));
            var minutes = Math.Max(5, kind.Minutes + (5 * rng.Next(-2, 3)));
            return new Intervention($"{clientId}-i{i + 1}", $"{clientId}-p{i + 1}", InterventionCategory.TreatmentsProcedures,
                kind.Target, null, CareType.Nursing, kind.Frequency, kind.Window, minutes, [.. kind.Skills],
                new DateTimeOffset(started, TimeSpan.Zero));
        })];
    }

    /// <summary>Two weeks of visits as a team would have recorded them: most care done, mostly by the named nurse.</summary>
    private static Dictionary<string, List<Visit>> RecordedHistory(Random rng, Team team, Dictionary<string, List<Intervention>> plans, DateOnly day)
    {
        var history = new Dictionary<string, List<Visit>>(StringComparer.Ordinal);
        var members = team.Members.Select(m => m.NurseId).ToList();
        for (var on = day.AddDays(-HistoryDays); on < day; on = on.AddDays(1))
        {
            foreach (var (clientId, plan) in plans)
            {
                var done = history.TryGetValue(clientId, out var list) ? list : history[clientId] = [];
                var entry = team.CaseloadOf(clientId)!;
                foreach (var due in VisitsDue.For(clientId, plan, done, on, MorningOf(on)))
                {
                    if (rng.NextDouble() < 0.06) continue; // missed
                    var roll = rng.NextDouble();
                    var nurse = roll < 0.65 ? entry.NamedNurseId : roll < 0.85 && entry.BackupNurseId is { } b ? b : members[rng.Next(members.Count)];
                    var start = new DateTimeOffset(on.ToDateTime(due.WindowStart), TimeSpan.Zero);
                    done.Add(new Visit($"v-{clientId}-{on:yyyyMMdd}-{done.Count}", "ep-1", nurse, start, due.DurationMinutes,
                        due.DurationMinutes, [.. due.Care.Where(c => c.InterventionId is not null).Select(c => c.InterventionId!)], null, false, "e"));
                }
            }
        }
        return history;
    }

    /// <summary>
    /// The team rosters members in a random order until the rostered minutes cover the day's work with travel times a
    /// margin between 0.8 (a short-staffed day) and 1.25; weekends run leaner. Leave booked after the rota was drafted
    /// leaves some members on leave on it (the planner must skip them), and some members work a half day.
    /// </summary>
    private static DutyRota NewRota(Random rng, Team team, DateOnly day, ImmutableList<DueVisit> visits)
    {
        var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var need = visits.Sum(v => v.DurationMinutes + PlanningOptions.Default.TravelMinutes);
        var target = need * (0.8 + (rng.NextDouble() * 0.45)) * (weekend ? 0.9 : 1.0);
        var duties = new List<Duty>();
        var rostered = 0;
        foreach (var member in team.Members.OrderBy(_ => rng.Next()).ToList())
        {
            if (rostered >= target) break;
            if (member.IsOnLeave(day) && rng.NextDouble() < 0.5) continue;
            var minutes = DutyRota.DailyMinutes(member.HoursPerWeek);
            var duty = rng.NextDouble() switch
            {
                < 0.1 => new Duty(member.NurseId, Math.Min(minutes, 300), new(8, 0), new(14, 0)),
                < 0.2 => new Duty(member.NurseId, Math.Min(minutes, 300), new(14, 0), new(20, 0)),
                _ => Duty.AllDay(member.NurseId, minutes),
            };
            duties.Add(duty);
            if (!member.IsOnLeave(day)) rostered += duty.Minutes;
        }
        return DutyRota.Create(day, duties);
    }
}
