using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;
using static Buurtzorg.Durable.Tests.Patience;

namespace Buurtzorg.Durable.Tests;

[Collection(DurableDatabase.Name)]
public sealed class ClusterTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_silos_share_every_grain_and_one_serves_all_when_the_other_stops()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"pair-{Guid.NewGuid():N}";
        await using var a = await DurableSilo.Start(database, cluster);
        await using var b = await DurableSilo.Start(database, cluster);
        var viaA = a.App();
        var viaB = b.App();

        // Teams and clients made through either silo: with two silos, some grains live on each.
        var teams = new List<string>();
        var clients = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var app = i % 2 == 0 ? viaA : viaB;
            var team = await app.TeamWithNurses(3);
            teams.Add(team.TeamId);
            for (var c = 0; c < 3; c++) clients.Add((await app.Admitted(team.TeamId)).ClientId);
        }

        // A caller on either silo reaches every grain.
        foreach (var app in new[] { viaA, viaB })
        {
            foreach (var team in teams) Assert.Equal(3, (await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team })).Entries.Count);
            foreach (var client in clients) Assert.NotNull((await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client })).Record.CurrentEpisode);
        }

        await a.Stop();

        // Once the membership has noticed, the remaining silo serves all of them.
        foreach (var team in teams) Assert.Equal(3, (await Eventually(() => viaB.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team }).ResponseAsync)).Entries.Count);
        foreach (var client in clients) Assert.NotNull((await Eventually(() => viaB.Records.GetRecordAsync(new GetRecordRequest { ClientId = client }).ResponseAsync)).Record.CurrentEpisode);
        var entry = await viaB.Admitted(teams[0]);
        Assert.Equal(4, (await viaB.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teams[0] })).Entries.Count);
        Assert.NotEmpty(entry.ClientId);
    }

    [Fact]
    public async Task Concurrent_writes_through_two_silos_are_all_kept_and_capacity_holds()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"race-{Guid.NewGuid():N}";
        string teamId;
        string clientId;
        int admitted;
        HashSet<string> acknowledgedVisits;
        await using (var a = await DurableSilo.Start(database, cluster))
        await using (var b = await DurableSilo.Start(database, cluster))
        {
            var apps = new[] { a.App(), b.App() };
            var team = await apps[0].TeamWithNurses(10);
            teamId = team.TeamId;
            await apps[0].Teams.SetCapacityPolicyAsync(new SetCapacityPolicyRequest
            {
                RequestId = NewRequest(),
                TeamId = teamId,
                CapacityPolicy = new CapacityPolicy { MaxClients = 20, MaxClientsPerFte = 6, SplitSuggestedAboveMembers = 12, MinMembersForSafeStaffing = 4, FullTimeHours = 37.5 },
            });
            var referrals = new List<Referral>();
            for (var i = 0; i < 40; i++) referrals.Add((await apps[i % 2].Referrals.ReferAsync(Referral(teamId))).Referral);

            // Forty admissions at once, half through each silo, for twenty places.
            var outcomes = await Task.WhenAll(referrals.Select(async (r, i) =>
            {
                try
                {
                    await apps[i % 2].Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = teamId, ReferralId = r.ReferralId });
                    return "admitted";
                }
                catch (RpcException e)
                {
                    return e.Trailers.GetValue("buurtzorg-reason") ?? e.StatusCode.ToString();
                }
            }));
            admitted = outcomes.Count(o => o == "admitted");
            Assert.Equal(20, admitted);
            Assert.All(outcomes.Where(o => o != "admitted"), o => Assert.Equal("AT_CAPACITY", o));

            // Eighty visits to one client at once, through both silos; every acknowledged one must survive.
            var caseload = (await apps[1].Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries;
            await apps[0].Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId }); // both apps know the clients' team
            var client = caseload[0];
            clientId = client.ClientId;
            var visits = await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
            {
                try
                {
                    return (await apps[i % 2].Visit(clientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddMinutes(-i))).Visit.VisitId;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return null; // not acknowledged: the caller would retry; it must not have been applied either
                }
            }));
            acknowledgedVisits = visits.OfType<string>().ToHashSet();
            Assert.NotEmpty(acknowledgedVisits);
        }

        // A new silo reads back exactly what was acknowledged.
        await using var fresh = await DurableSilo.Start(database, cluster);
        var app = fresh.App();
        Assert.Equal(20, (await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries.Count);
        var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record;
        var history = await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId, PageSize = 500 });
        // The record shows the latest visits; the history has every one (a visit's id is its entry's).
        Assert.Equal(acknowledgedVisits.Order(), history.Entries.Where(e => e.Kind == "visit_recorded").Select(e => e.EntryId).Order());
        Assert.Equal(acknowledgedVisits.Count, record.VisitsInEpisode);
    }
}
