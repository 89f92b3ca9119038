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
            // The team's state could not even be sent: the answer says nothing was saved, not that it may have been.
            Assert.StartsWith("The care records store is not reachable just now. Nothing was saved", join.Status.Detail, StringComparison.Ordinal);
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

    [Fact]
    public async Task A_record_that_must_load_while_the_database_is_down_answers_unavailable_never_internal()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"outage-load-{Guid.NewGuid():N}";
        CaseloadEntry client;
        string teamId;
        await using (var first = await DurableSilo.Start(database, cluster))
        {
            var team = await first.App().TeamWithNurses(4);
            (client, teamId) = (await first.App().Admitted(team.TeamId), team.TeamId);
        }
        // A silo that has never loaded the record: the next call activates it, which reads the journal.
        await using var silo = await DurableSilo.Start(database, cluster);
        var nurse = silo.App().As(new Grains.Security.Caller(client.NamedNurseId, Grains.Security.Role.Nurse, teamId));
        var note = new AddNoteRequest { RequestId = NewRequest(), ClientId = client.ClientId, RecordedBy = client.NamedNurseId, Text = "Seen at home." };

        await postgres.StopAsync();
        try
        {
            foreach (var call in new Func<Task>[]
            {
                () => nurse.Records.AddNoteAsync(note).ResponseAsync,
                () => nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }).ResponseAsync,
                () => nurse.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId }).ResponseAsync,
                // The team's state is Orleans' grain state, read as the team activates on this silo.
                () => nurse.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teamId }).ResponseAsync,
                () => nurse.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId }).ResponseAsync,
            })
            {
                var refused = await Refused(call);
                Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
                // The store's own honest answer, not a driver's exception caught on the way out.
                Assert.StartsWith("The care records store is not reachable just now.", refused.Status.Detail, StringComparison.Ordinal);
                Assert.Contains("try again", refused.Status.Detail, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            await postgres.StartAsync();
        }

        // Once the database is back the same request is saved once.
        await Eventually(() => nurse.Records.AddNoteAsync(note).ResponseAsync);
        await nurse.Records.AddNoteAsync(note);
        var record = (await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record;
        Assert.Single(record.Notes);
    }
}
