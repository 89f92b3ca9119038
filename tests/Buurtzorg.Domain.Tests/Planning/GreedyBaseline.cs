using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Planning;

namespace Buurtzorg.Domain.Tests.Planning;

/// <summary>
/// The simple plan the day planner must beat: visits in due order (window start, then client), each to the first nurse
/// on duty (by id) who is not on leave, holds the skills, has the minutes, and can fit it after their last visit inside
/// its window. It knows nothing of named nurses. It keeps the same rules as the planner (travel, windows, registrant
/// skills), so the two are compared on plans a team could actually work.
/// </summary>
internal static class GreedyBaseline
{
    public sealed record Assignment(DueVisit Visit, string NurseId, int Start);

    public sealed record Result(IReadOnlyList<Assignment> Assigned, int Due)
    {
        public int Named(TeamDay day) => Assigned.Count(a => day.Team.CaseloadOf(a.Visit.ClientId)?.NamedNurseId == a.NurseId);

        public double NamedShare(TeamDay day) => Assigned.Count == 0 ? 0 : (double)Named(day) / Assigned.Count;
    }

    private sealed class NurseState(Duty duty, TeamMemberView member)
    {
        public Duty Duty { get; } = duty;
        public TeamMemberView Member { get; } = member;
        public int Used { get; set; }
        public int LastEnd { get; set; } = Minute(duty.From);
    }

    private sealed record TeamMemberView(NurseRole Role, IReadOnlySet<Skill> Skills);

    public static Result Plan(TeamDay day, int travel)
    {
        var nurses = day.Rota.Duties
            .Where(d => !day.Team.Member(d.NurseId)!.IsOnLeave(day.Day))
            .OrderBy(d => d.NurseId, StringComparer.Ordinal)
            .Select(d =>
            {
                var m = day.Team.Member(d.NurseId)!;
                return new NurseState(d, new TeamMemberView(m.Role, m.Skills));
            })
            .ToList();
        var assigned = new List<Assignment>();
        var inOrder = day.Visits.OrderBy(v => v.WindowStart).ThenBy(v => v.ClientId, StringComparer.Ordinal).ThenBy(v => v.VisitId, StringComparer.Ordinal);
        foreach (var visit in inOrder)
        {
            foreach (var nurse in nurses)
            {
                if (!visit.Skills.All(s => nurse.Member.Skills.Contains(s) && (!SkillCatalogue.NeedsRegistration(s) || nurse.Member.Role != NurseRole.NursingAssistant)))
                    continue;
                if (nurse.Used + visit.DurationMinutes + travel > nurse.Duty.Minutes) continue;
                var start = Math.Max(Minute(visit.WindowStart), nurse.LastEnd + travel);
                var end = start + visit.DurationMinutes;
                if (end > Math.Min(Minute(visit.WindowEnd), Minute(nurse.Duty.To))) continue;
                nurse.Used += visit.DurationMinutes + travel;
                nurse.LastEnd = end;
                assigned.Add(new Assignment(visit, nurse.Duty.NurseId, start));
                break;
            }
        }
        return new Result(assigned, day.Visits.Count);
    }

    private static int Minute(TimeOnly t) => (t.Hour * 60) + t.Minute;
}
