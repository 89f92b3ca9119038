using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.Planning;

/// <summary>
/// The daily caseload review: assigns the day's due visits to the nurses on duty, continuity first, without leaving a
/// visit out that the team could fit.
/// <list type="number">
/// <item>Scarcest visits first: fewest nurses on duty able to do them, then the narrowest window, then the shortest
/// (on a day short of minutes, more clients are seen); ties on client and visit id.</item>
/// <item>Continuity-first construction: each visit goes to its client's named nurse if the nurse is on duty with the
/// skills, the minutes and room in the window; what is left to the backup; then to a recent visitor (most visits in
/// the look-back first); then to anyone able (one already seeing the client today, then the one with the fewest
/// skills, then the most minutes left). A second construction walks through the day by window with the same
/// preferences, which packs crowded mornings better; both are improved the same way and the plan that assigns more
/// visits is kept (then the one with more named-nurse visits, then the continuity-first one).</item>
/// <item>Improvement, repeated while it changes anything: a waiting visit is placed by making room, handing visits
/// along a chain of up to two other able nurses; one longer visit makes way for two or more shorter ones when the day
/// is short of minutes; a visit moves to its named nurse when it fits there, or when one of that nurse's visits that
/// is not their own client's can go to someone else.</item>
/// </list>
/// Every visit sits in its nurse's day as early as its window and their earlier visits allow, with the travel allowance
/// just before it, inside their duty, within their minutes. The same input gives the same plan: every choice breaks
/// ties on ids, and the searches are bounded by counts, never by a clock.
/// <para>
/// The continuity guarantee, exactly: when a visit is not with its client's named nurse and that nurse is on duty with
/// every skill it needs, then it cannot be added to the named nurse's day as planned: they have too few minutes left for
/// it and its travel, or there is no place in the order of their visits where it and all of them stay inside their
/// windows and the duty (their visits may shift in time; none is dropped or reordered). So the team's own
/// <see cref="DayPlan.Reassign"/> of it to the named nurse is refused. (The plan does not promise the named nurse
/// gets every visit they could take in some other plan: a scarce visit of another client may come first.)
/// </para>
/// </summary>
public static class DayPlanner
{
    private const int MaxImprovementRounds = 20;

    /// <summary>How far ahead a day is planned: two weeks, as far as a duty rota is known.</summary>
    public const int MaxDaysAhead = 14;

    /// <summary>
    /// A day is reviewed and planned only from today (the organisation's local date) up to <see cref="MaxDaysAhead"/>
    /// days ahead: a past day's plan is history (its visits are in the records), and a far day's rota is not known yet.
    /// </summary>
    public static DateOnly Plannable(DateOnly day, DateOnly today)
    {
        if (day < today)
            throw CareRuleException.Precondition(
                "That day has passed: only today and the days ahead are planned.", "DAY_PASSED");
        if (day > today.AddDays(MaxDaysAhead))
            throw CareRuleException.Invalid($"A day is planned at most {MaxDaysAhead} days ahead.");
        return day;
    }

    /// <summary>Whether a nurse may do a visit: every skill it needs, and registrant-only skills only to registrants.</summary>
    public static bool CanProvide(NurseRole role, ImmutableSortedSet<Skill> skills, IEnumerable<Skill> needed)
    {
        ArgumentNullException.ThrowIfNull(skills);
        ArgumentNullException.ThrowIfNull(needed);
        return needed.All(s => skills.Contains(s) && (!SkillCatalogue.NeedsRegistration(s) || SkillCatalogue.IsRegistrant(role)));
    }

    /// <summary>
    /// Plans the rota's day. <paramref name="lastNight"/>, the review of the night before, adds the next-day visits its
    /// calls asked for and travels with the plan so the team sees the night at its review. The visits planned are
    /// <see cref="VisitsDue.OfTeamDay"/>: the list the team is shown as due.
    /// </summary>
    public static DayPlan Plan(
        Team team, DutyRota rota, IEnumerable<DueVisit> visits, IEnumerable<RecentVisit> recentVisits,
        NightReview? lastNight = null, PlanningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(team);
        ArgumentNullException.ThrowIfNull(rota);
        ArgumentNullException.ThrowIfNull(visits);
        ArgumentNullException.ThrowIfNull(recentVisits);
        var settings = (options ?? PlanningOptions.Default).Validated();
        var day = rota.Day;
        var duties = rota.CheckedAgainst(team);
        if (lastNight is not null && lastNight.Night.AddDays(1) != day)
            throw CareRuleException.Invalid("The night review given is not of the night before the planned day.");

        var due = VisitsDue.OfTeamDay(visits, lastNight).ToList();
        if (due.Exists(v => v.Day != day)) throw CareRuleException.Invalid("Every visit to plan must be due on the planned day.");
        if (due.Exists(v => v.DurationMinutes <= 0)) throw CareRuleException.Invalid("Every visit to plan lasts at least a minute.");

        var onLeave = duties.Duties.Where(d => team.Member(d.NurseId)!.IsOnLeave(day)).Select(d => d.NurseId).ToImmutableList();
        var onDuty = duties.Duties.Where(d => !onLeave.Contains(d.NurseId)).ToList();
        var recent = Recent(recentVisits, day, settings.RecentVisitDays);
        var continuity = due.ToDictionary(v => v.VisitId, v => team.CaseloadOf(v.ClientId) is { } entry
            ? new VisitContinuity(entry.NamedNurseId, entry.BackupNurseId, recent.GetValueOrDefault(v.ClientId, []))
            : null, StringComparer.Ordinal);

        // Two deterministic starts, each improved the same way; the plan that sees more clients wins, then the one
        // with more visits by the named nurse, then the continuity-first one.
        (List<Lane> Lanes, List<Job> Jobs, int Assigned, int Named) Attempt(Start start)
        {
            var lanes = onDuty.Select(d =>
            {
                var member = team.Member(d.NurseId)!;
                return new Lane(d.NurseId, member.Role, member.Skills, ServiceHours.MinuteOfDay(d.From), ServiceHours.MinuteOfDay(d.To),
                    d.Minutes, settings.TravelMinutes);
            }).ToList();
            var jobs = due.Where(v => continuity[v.VisitId] is not null)
                .Select(v => new Job(v, continuity[v.VisitId]!) { Eligible = [.. lanes.Where(l => CanProvide(l.Role, l.Skills, v.Skills))] })
                .ToList();
            new Board(lanes, jobs).Run(start);
            var placed = jobs.FindAll(j => j.Lane is not null);
            return (lanes, jobs, placed.Count, placed.Count(j => j.Continuity.Match(j.Lane!.NurseId) == ContinuityMatch.NamedNurse));
        }

        var (lanes, jobs, _, _) = new[] { Attempt(Start.ContinuityFirst), Attempt(Start.DayOrder) }
            .OrderByDescending(a => a.Assigned).ThenByDescending(a => a.Named).First();
        var notOnCaseload = due.Where(v => continuity[v.VisitId] is null).Select(v => new Job(v, VisitContinuity.None)).ToList();

        var assigned = DayPlan.Order(lanes.SelectMany(l => l.Sequence.Select(j =>
            new PlannedVisit(j.Visit, j.Continuity, l.NurseId, ServiceHours.AtMinute(j.Start), j.Continuity.Match(l.NurseId)))));
        var unassigned = jobs.Where(j => j.Lane is null).Select(j => new UnassignedVisit(j.Visit, j.Continuity, ReasonFor(j, lanes)))
            .Concat(notOnCaseload.Select(j => new UnassignedVisit(j.Visit, j.Continuity, UnassignedReason.NotOnCaseload)))
            .OrderBy(u => u.Visit.WindowStart).ThenBy(u => u.Visit.ClientId, StringComparer.Ordinal).ThenBy(u => u.Visit.VisitId, StringComparer.Ordinal)
            .ToImmutableList();
        var nurses = lanes.Select(l => new NurseDay(l.NurseId, l.Role, l.Skills, l.Minutes, ServiceHours.AtMinute(l.From),
            ServiceHours.AtMinute(l.To), 0, 0, 0));
        return new DayPlan(team.Id, day, settings.TravelMinutes, DayPlan.Summarised(nurses, assigned, settings.TravelMinutes),
            onLeave, assigned, unassigned, [], lastNight);
    }

    /// <summary>Per client, the nurses who visited in the look-back: most visits first, then the latest, then by id.</summary>
    private static Dictionary<string, ImmutableList<string>> Recent(IEnumerable<RecentVisit> visits, DateOnly day, int days) =>
        visits.Where(v => v.Day < day && v.Day >= day.AddDays(-days))
            .GroupBy(v => v.ClientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(v => v.NurseId, StringComparer.Ordinal)
                .OrderByDescending(n => n.Count()).ThenByDescending(n => n.Max(v => v.Day)).ThenBy(n => n.Key, StringComparer.Ordinal)
                .Select(n => n.Key).ToImmutableList(), StringComparer.Ordinal);

    private static UnassignedReason ReasonFor(Job job, List<Lane> lanes)
    {
        if (lanes.Count == 0) return UnassignedReason.NoNurseOnDuty;
        if (job.Eligible.Count == 0) return UnassignedReason.NoSkillOnDuty;
        return job.Eligible.TrueForAll(l => !l.HasMinutesFor(job)) ? UnassignedReason.NoHoursLeft : UnassignedReason.NoTimeInWindow;
    }

    private enum Start
    {
        /// <summary>Scarcest visits first, in passes: named nurses, then backups, then recent visitors, then anyone.</summary>
        ContinuityFirst = 1,

        /// <summary>Through the day by window, each visit to the most familiar nurse who has room: packs the mornings.</summary>
        DayOrder,
    }

    /// <summary>
    /// The working state of one planning run; mutable, and never seen outside <see cref="Plan"/>. Every move goes
    /// through a journal, so a trial (make room here, move that there) is undone exactly when it does not work out.
    /// </summary>
    private sealed class Board
    {
        /// <summary>How many nurses a chain of moves may pass through to make room for one visit.</summary>
        private const int MaxChain = 2;

        /// <summary>How many placements one search for room may try before it gives up (a bound, not a clock).</summary>
        private const int MaxEffort = 500;

        private readonly List<Lane> lanes;
        private readonly List<Job> jobs;
        private readonly List<(Lane Lane, Job Job, int Index, bool Inserted)> journal = [];
        private int effort;

        public Board(List<Lane> lanes, List<Job> jobs)
        {
            this.lanes = lanes;
            this.jobs = [.. jobs
                .OrderBy(j => j.Eligible.Count)
                .ThenBy(j => j.WindowEnd - j.WindowStart)
                .ThenBy(j => j.Duration)
                .ThenBy(j => j.WindowStart)
                .ThenBy(j => j.Visit.ClientId, StringComparer.Ordinal)
                .ThenBy(j => j.Visit.VisitId, StringComparer.Ordinal)];
            for (var i = 0; i < this.jobs.Count; i++)
            {
                var job = this.jobs[i];
                job.Rank = i;
                var preferred = Preferred(job);
                job.Preference = [.. preferred, .. job.Eligible.Where(l => !preferred.Contains(l))
                    .OrderBy(l => l.Skills.Count).ThenBy(l => l.NurseId, StringComparer.Ordinal)];
            }
        }

        public void Run(Start start)
        {
            if (start == Start.ContinuityFirst)
            {
                foreach (var job in jobs) TryPut(job, NamedLane(job));
                foreach (var job in Waiting()) TryPut(job, LaneOf(job, job.Continuity.BackupNurseId));
                foreach (var job in Waiting())
                    foreach (var nurseId in job.Continuity.RecentNurseIds)
                        if (TryPut(job, LaneOf(job, nurseId))) break;
            }
            var order = start == Start.DayOrder
                ? [.. jobs.OrderBy(j => j.WindowStart).ThenBy(j => j.WindowEnd).ThenBy(j => j.Rank)]
                : Waiting();
            foreach (var job in order)
                foreach (var lane in Candidates(job))
                    if (TryPut(job, lane)) break;
            journal.Clear();

            for (var round = 0; round < MaxImprovementRounds; round++)
            {
                var changed = Repair();
                changed |= Exchange();
                changed |= PullToNamed();
                changed |= SwapToNamed();
                if (!changed) break;
            }
            PullToNamed(); // the continuity guarantee holds at this fixpoint
        }

        private List<Job> Waiting() => jobs.FindAll(j => j.Lane is null);

        private static Lane? LaneOf(Job job, string? nurseId) =>
            nurseId is null ? null : job.Eligible.Find(l => l.NurseId == nurseId);

        private static Lane? NamedLane(Job job) => LaneOf(job, job.Continuity.NamedNurseId);

        private static bool IsNamed(Job job, Lane lane) => job.Continuity.NamedNurseId == lane.NurseId;

        // ---- Journalled moves ----------------------------------------------------------------------------------

        private int Checkpoint() => journal.Count;

        private void Rollback(int checkpoint)
        {
            while (journal.Count > checkpoint)
            {
                var (lane, job, index, inserted) = journal[^1];
                journal.RemoveAt(journal.Count - 1);
                if (inserted) lane.Remove(job);
                else lane.InsertAt(index, job);
            }
        }

        private bool TryPut(Job job, Lane? lane)
        {
            if (lane is null) return false;
            var position = lane.FindPosition(job);
            if (position < 0) return false;
            lane.InsertAt(position, job);
            journal.Add((lane, job, position, true));
            return true;
        }

        private void Take(Job job)
        {
            var lane = job.Lane!;
            journal.Add((lane, job, lane.Remove(job), false));
        }

        // ---- Choices -------------------------------------------------------------------------------------------

        /// <summary>The named nurse, the backup and recent visitors, as far as they are able.</summary>
        private static List<Lane> Preferred(Job job)
        {
            var preferred = new List<Lane>();
            foreach (var id in new[] { job.Continuity.NamedNurseId, job.Continuity.BackupNurseId }.Concat(job.Continuity.RecentNurseIds))
                if (LaneOf(job, id) is { } lane && !preferred.Contains(lane)) preferred.Add(lane);
            return preferred;
        }

        /// <summary>
        /// Able nurses in order of preference as the day stands: named, backup, recent visitors, then the rest: one
        /// already seeing the client today, then the one with the fewest skills (keeping specialists for what only they
        /// can do), then the most minutes left. The searches use the fixed <see cref="Job.Preference"/> instead.
        /// </summary>
        private static IEnumerable<Lane> Candidates(Job job)
        {
            var preferred = Preferred(job);
            var rest = job.Eligible.Where(l => !preferred.Contains(l))
                .OrderByDescending(l => l.Sequence.Exists(j => j.Visit.ClientId == job.Visit.ClientId))
                .ThenBy(l => l.Skills.Count)
                .ThenByDescending(l => l.MinutesLeft)
                .ThenBy(l => l.NurseId, StringComparer.Ordinal);
            return preferred.Concat(rest);
        }

        /// <summary>
        /// Places a visit with an able nurse not in <paramref name="busy"/>: directly, or by making room, handing that
        /// nurse's visits one at a time to others (who may in turn make room, up to <paramref name="depth"/> nurses
        /// further) until it fits. Visits in the way of its window move first, a nurse's own named clients last.
        /// </summary>
        private bool Place(Job job, int depth, List<Lane> busy)
        {
            if (++effort > MaxEffort) return false;
            var candidates = job.Preference.FindAll(l => !busy.Contains(l));
            if (candidates.Exists(l => TryPut(job, l))) return true;
            if (depth == 0) return false;
            foreach (var lane in candidates.Where(l => l.SpanFits(job) && l.Minutes >= job.Duration + l.Travel))
            {
                var start = Checkpoint();
                busy.Add(lane);
                // Short of minutes, any visit moved helps; short of room in the window, only those in its way do.
                var shortOfMinutes = !lane.HasMinutesFor(job);
                var movable = lane.Sequence
                    .Where(j => shortOfMinutes || InTheWay(j, job, lane.Travel))
                    .OrderBy(j => InTheWay(j, job, lane.Travel) ? 0 : 1)
                    .ThenBy(j => IsNamed(j, lane) ? 1 : 0)
                    .ThenBy(j => j.Rank)
                    .ToList();
                foreach (var other in movable)
                {
                    var mark = Checkpoint();
                    Take(other);
                    if (!Place(other, depth - 1, busy))
                    {
                        Rollback(mark);
                        continue;
                    }
                    if (TryPut(job, lane))
                    {
                        busy.Remove(lane);
                        return true;
                    }
                }
                busy.Remove(lane);
                Rollback(start);
            }
            return false;
        }

        private static bool InTheWay(Job planned, Job waiting, int travel) =>
            planned.Start - travel < waiting.WindowEnd && planned.Start + planned.Duration > waiting.WindowStart - travel;

        // ---- Improvement passes --------------------------------------------------------------------------------

        /// <summary>Places waiting visits, making room through chains of moves where needed.</summary>
        private bool Repair()
        {
            var changed = false;
            // A visit that found no room rules out, until something moves, any visit that needs at least its skills,
            // in no more of a window, for at least as long.
            var failed = new List<Job>();
            foreach (var job in Waiting())
            {
                // Moves only shift minutes between nurses: without enough left across the team, no chain can help.
                if (job.Eligible.Count == 0 || lanes.Sum(l => l.MinutesLeft) < job.Duration + job.Eligible[0].Travel) continue;
                if (failed.Exists(f => f.Visit.Skills.IsSubsetOf(job.Visit.Skills) && f.WindowStart <= job.WindowStart
                    && job.WindowEnd <= f.WindowEnd && f.Duration <= job.Duration)) continue;
                effort = 0;
                if (Place(job, MaxChain, []))
                {
                    changed = true;
                    failed.Clear();
                }
                else failed.Add(job);
            }
            journal.Clear();
            return changed;
        }

        /// <summary>
        /// When the day is short of minutes, more clients are seen if one longer visit makes way for two or more
        /// shorter ones: a nurse's visit (their own named clients' last, the longest first) leaves their day when
        /// waiting visits then fill it and the plan gains a visit overall; the visit that made way goes to someone
        /// else if there is room.
        /// </summary>
        private bool Exchange()
        {
            var changed = false;
            foreach (var lane in lanes)
            {
                var order = lane.Sequence
                    .OrderBy(j => IsNamed(j, lane) ? 1 : 0)
                    .ThenByDescending(j => j.Duration)
                    .ThenBy(j => j.Rank)
                    .ToList();
                foreach (var made in order)
                {
                    var waiting = jobs.Where(j => j.Lane is null && j.Eligible.Contains(lane))
                        .OrderBy(j => j.Duration).ThenBy(j => j.Rank).ToList();
                    if (waiting.Count == 0) break;
                    if (made.Lane != lane) continue;
                    var start = Checkpoint();
                    Take(made);
                    var placed = 0;
                    foreach (var job in waiting)
                        if (TryPut(job, lane)) placed++;
                    effort = 0;
                    var gain = placed - 1 + (placed > 0 && Place(made, 1, [lane]) ? 1 : 0);
                    if (gain > 0) changed = true;
                    else Rollback(start);
                }
            }
            journal.Clear();
            return changed;
        }

        /// <summary>Moves visits to their named nurse while one fits there as the day stands; each move adds one named visit.</summary>
        private bool PullToNamed()
        {
            var changed = false;
            for (var progress = true; progress;)
            {
                progress = false;
                foreach (var job in jobs)
                {
                    if (NamedLane(job) is not { } named || job.Lane == named || named.FindPosition(job) < 0) continue;
                    if (job.Lane is not null) Take(job);
                    TryPut(job, named);
                    progress = changed = true;
                }
            }
            journal.Clear();
            return changed;
        }

        /// <summary>
        /// Gives a visit to its named nurse by handing one of that nurse's visits that is not their own client's to
        /// someone else able, as the day stands: each swap adds at least one named visit, so the passes end.
        /// </summary>
        private bool SwapToNamed()
        {
            var changed = false;
            foreach (var job in jobs)
            {
                if (job.Lane is not { } current || NamedLane(job) is not { } named || current == named || !named.SpanFits(job)) continue;
                foreach (var other in named.Sequence.Where(j => !IsNamed(j, named)).ToList())
                {
                    var start = Checkpoint();
                    Take(other);
                    Take(job);
                    effort = 0;
                    if (TryPut(job, named) && Place(other, 0, [named]))
                    {
                        changed = true;
                        break;
                    }
                    Rollback(start);
                }
            }
            journal.Clear();
            return changed;
        }
    }
}
