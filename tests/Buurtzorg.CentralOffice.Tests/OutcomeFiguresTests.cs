using Buurtzorg.Api.V1;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.CentralOffice.Tests;

public sealed class OutcomeFiguresTests
{
    [Fact]
    public async Task A_discharge_brings_its_outcome_change_to_the_teams_figures()
    {
        await using var host = await OfficeHost.Start();
        var app = host.App();
        var team = await app.TeamWithNurses(4);
        var client = await app.Admitted(team.TeamId);
        var problem = await app.AddSkinProblem(client);
        await app.Rate(client, problem.ProblemId, 2, 2, 2);

        await app.Referrals.DischargeAsync(new DischargeRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = client.ClientId,
            Reason = DischargeReason.GoalsMet,
            RecordedBy = client.NamedNurseId,
            FinalRatings = { new FinalRating { ProblemId = problem.ProblemId, Rating = new OutcomeRating { Knowledge = 4, Behaviour = 3, Status = 5 } } },
        });

        var figures = await host.Eventually(team.TeamId, f => f.OutcomeChange28Days is not null, "an outcome change");
        Assert.Equal((1, 1, 2.0, 1.0, 3.0), (figures.OutcomeChange28Days.Discharges, figures.OutcomeChange28Days.Problems,
            figures.OutcomeChange28Days.Knowledge, figures.OutcomeChange28Days.Behaviour, figures.OutcomeChange28Days.Status));
    }
}
