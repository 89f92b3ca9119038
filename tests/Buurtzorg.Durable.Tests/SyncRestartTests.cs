using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Buurtzorg.TestSupport;
using Google.Protobuf.WellKnownTypes;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Durable.Tests;

/// <summary>
/// An upload interrupted half-way by a silo going down is sent again, whole, to a new silo on the same database: each
/// item is applied exactly once, and a cursor the tablet was given before the restart still answers what changed.
/// </summary>
[Collection(DurableDatabase.Name)]
public sealed class SyncRestartTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_batch_cut_off_by_a_restart_and_sent_again_whole_applies_each_item_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"sync-restart-{Guid.NewGuid():N}";
        var start = DateTimeOffset.UtcNow.AddHours(-6);
        string teamId, cursor;
        List<CaseloadEntry> clients = [];
        List<UploadItem> batch = [];
        Dictionary<string, int> historyBefore = [];

        await using (var first = await DurableSilo.Start(database, cluster))
        {
            var app = first.App();
            var team = await app.TeamWithNurses(3);
            teamId = team.TeamId;
            for (var c = 0; c < 3; c++) clients.Add(await app.Admitted(teamId));
            foreach (var client in clients)
            {
                historyBefore[client.ClientId] = await HistoryLength(app, client.ClientId);
                for (var i = 0; i < 4; i++) batch.Add(Item(client, start.AddMinutes((60 * clients.IndexOf(client)) + (10 * i)), i));
            }
            cursor = await LastCursor(app, teamId, "");
            // The silo took the first half of the batch before it went down; the tablet never heard back.
            var half = await app.Sync.UploadAsync(new UploadRequest { TeamId = teamId, Items = { batch.Take(batch.Count / 2) } });
            Assert.All(half.Results, r => Assert.Equal(UploadOutcome.Applied, r.Outcome));
            await first.Stop();
        }

        await using var second = await DurableSilo.Start(database, cluster);
        // The tablet signs in again as the nurse it belongs to.
        var again = second.App().As(new Caller(clients[0].NamedNurseId, Role.Nurse, teamId));
        var results = (await again.Sync.UploadAsync(new UploadRequest { TeamId = teamId, Items = { batch } })).Results;

        Assert.Equal(
            Enumerable.Repeat(UploadOutcome.AlreadyApplied, batch.Count / 2).Concat(Enumerable.Repeat(UploadOutcome.Applied, batch.Count - (batch.Count / 2))),
            results.Select(r => r.Outcome));
        foreach (var client in clients)
            Assert.Equal(historyBefore[client.ClientId] + 4, await HistoryLength(again, client.ClientId));
        var changes = await again.Sync.ChangesAsync(new ChangesRequest { TeamId = teamId, Cursor = cursor, PageSize = 200 });
        Assert.False(changes.Reset);
    }

    private static UploadItem Item(CaseloadEntry client, DateTimeOffset at, int i) => i % 2 == 0
        ? new UploadItem
        {
            RecordVisit = new RecordVisitRequest
            {
                RequestId = NewRequest(),
                ClientId = client.ClientId,
                NurseId = client.NamedNurseId,
                Start = Timestamp.FromDateTimeOffset(at),
                DurationMinutes = 30,
                DirectCareMinutes = 20,
            },
        }
        : new UploadItem
        {
            AddNote = new AddNoteRequest
            {
                RequestId = NewRequest(),
                ClientId = client.ClientId,
                RecordedBy = client.NamedNurseId,
                Text = "Written without a signal.",
                WrittenAt = Timestamp.FromDateTimeOffset(at),
            },
        };

    private static async Task<int> HistoryLength(TeamApp app, string clientId) =>
        (await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId, PageSize = 500 })).Entries.Count;

    private static async Task<string> LastCursor(TeamApp app, string teamId, string cursor)
    {
        var token = "";
        while (true)
        {
            var page = await app.Sync.ChangesAsync(new ChangesRequest { TeamId = teamId, Cursor = cursor, PageToken = token });
            if (page.NextPageToken.Length == 0) return page.NextCursor;
            token = page.NextPageToken;
        }
    }
}
