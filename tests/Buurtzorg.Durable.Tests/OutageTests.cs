using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;
using static Buurtzorg.Durable.Tests.Patience;

namespace Buurtzorg.Durable.Tests;

/// <summary>Runs last in its collection's order of need: it stops the shared server, then starts it again.</summary>
[Collection(DurableDatabase.Name)]
public sealed class OutageTests(PostgresServer postgres)
{
    [Fact]
    public async Task While_the_database_is_down_writes_answer_unavailable_and_the_silo_recovers_by_itself()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DurableSilo.Start(database, $"outage-{Guid.NewGuid():N}");
        var app = silo.App();
        var team = await app.TeamWithNurses(4);
        var client = await app.Admitted(team.TeamId);
        var visitRequest = NewRequest();
        var admitRequest = Referral(team.TeamId);

        await postgres.StopAsync();
        try
        {
            var visit = await Refused(() => app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1), visitRequest));
            Assert.Equal(StatusCode.Unavailable, visit.StatusCode);
            Assert.Contains("try again", visit.Status.Detail, StringComparison.OrdinalIgnoreCase);
            var join = await Refused(() => app.Teams.SetCapacityPolicyAsync(new SetCapacityPolicyRequest
            {
                RequestId = NewRequest(),
                TeamId = team.TeamId,
                CapacityPolicy = new CapacityPolicy { MaxClients = 10, MaxClientsPerFte = 6, SplitSuggestedAboveMembers = 12, MinMembersForSafeStaffing = 4, FullTimeHours = 37.5 },
            }).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, join.StatusCode);
            var refer = await Refused(() => app.Referrals.ReferAsync(admitRequest).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refer.StatusCode);
        }
        finally
        {
            await postgres.StartAsync();
        }

        // Nothing was half-written: the refused changes are absent, and the same requests now succeed.
        var record = await Eventually(() => app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }).ResponseAsync);
        Assert.Empty(record.Record.Visits);
        Assert.Equal(60, (await Eventually(() => app.Teams.GetTeamAsync(new GetTeamRequest { TeamId = team.TeamId }).ResponseAsync)).Team.CapacityPolicy.MaxClients);
        Assert.Empty((await app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = team.TeamId, Status = ReferralStatus.Waiting })).Referrals);

        var visitAgain = await Eventually(() => app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1), visitRequest));
        Assert.Equal(visitAgain.Visit.VisitId, Assert.Single((await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record.Visits).VisitId);
        await Eventually(() => app.Referrals.ReferAsync(admitRequest).ResponseAsync);
        Assert.Single((await app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = team.TeamId, Status = ReferralStatus.Waiting })).Referrals);
    }
}
