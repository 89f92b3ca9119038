using Buurtzorg.Domain.Planning;
using Xunit.Abstractions;
namespace Buurtzorg.Domain.Tests.Planning;
public sealed class DebugTmp(ITestOutputHelper output)
{
    [Fact]
    public void Dump()
    {
        int fewer = 0, n = 0; double ps = 0, bs = 0, bound = 0, load = 0;
        foreach (var seed in Enumerable.Range(1, 1000))
        {
            var d = TeamDayGenerator.Generate(seed);
            var p = DayPlanner.Plan(d.Team, d.Rota, d.Visits, d.Recent);
            var b = GreedyBaseline.Plan(d, 10);
            n++; ps += p.NamedNurseShare ?? 0; bs += b.NamedShare(d); load += d.Load(10);
            bound += d.Visits.Count == 0 ? 0 : (double)d.Visits.Count(v => p.Nurse(d.Team.CaseloadOf(v.ClientId)!.NamedNurseId) is { } nd && DayPlanner.CanProvide(nd.Role, nd.Skills, v.Skills)) / d.Visits.Count;
            if (p.Assigned.Count < b.Assigned.Count) { fewer++; output.WriteLine($"seed {seed} load {d.Load(10):F2} planner {p.Assigned.Count} baseline {b.Assigned.Count}"); }
        }
        output.WriteLine($"fewer {fewer}/{n}; named planner {ps / n:P1} baseline {bs / n:P1}; named on duty with skills {bound / n:P1}; load {load / n:F2}");
    }
}
