using Buurtzorg.Domain.Planning;
using Xunit.Abstractions;
namespace Buurtzorg.Domain.Tests.Planning;
public sealed class DebugTmp2(ITestOutputHelper output)
{
    [Fact]
    public void Dump2()
    {
        var d = TeamDayGenerator.Generate(774);
        var p = DayPlanner.Plan(d.Team, d.Rota, d.Visits, d.Recent);
        var b = GreedyBaseline.Plan(d, 10);
        foreach (var u in p.Unassigned)
            output.WriteLine($"U {u.Visit.VisitId} {u.Visit.ClientId} {u.Visit.WindowStart}-{u.Visit.WindowEnd} {u.Visit.DurationMinutes} [{string.Join(",", u.Visit.Skills)}] {u.ReasonCode} baseline: {b.Assigned.FirstOrDefault(a => a.Visit.VisitId == u.Visit.VisitId)?.NurseId}");
        foreach (var n in p.Nurses)
        {
            output.WriteLine($"N {n.NurseId} {n.Role} {n.From}-{n.To} {n.PlannedMinutes}/{n.DutyMinutes} [{string.Join(",", n.Skills)}]");
            foreach (var v in p.VisitsOf(n.NurseId)) output.WriteLine($"   {v.Start}-{v.End} {v.Visit.ClientId} win {v.Visit.WindowStart}-{v.Visit.WindowEnd} [{string.Join(",", v.Visit.Skills)}] {v.Match}");
        }
        foreach (var n in p.Nurses)
        {
            output.WriteLine($"B {n.NurseId} {b.Assigned.Where(a => a.NurseId == n.NurseId).Sum(a => a.Visit.DurationMinutes + 10)}");
            foreach (var v in b.Assigned.Where(a => a.NurseId == n.NurseId)) output.WriteLine($"   {v.Start / 60}:{v.Start % 60:D2} {v.Visit.DurationMinutes} {v.Visit.ClientId} win {v.Visit.WindowStart}-{v.Visit.WindowEnd} [{string.Join(",", v.Visit.Skills)}]");
        }
    }
}
