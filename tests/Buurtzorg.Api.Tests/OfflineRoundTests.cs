using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Client;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// Issue 15's round, through real gRPC and the client library: a nurse loads her day, the signal goes, she records
/// eight visits, notes and a rating into the library's outbox on disk while a colleague stops an intervention and the
/// team passes a client on; the app restarts, comes back online and syncs — each item applied once or refused with a
/// reason, the visit that met the stopped intervention flagged to the team, Changes bringing the tablet up to date,
/// and the same batch sent again changing nothing.
/// </summary>
public sealed class OfflineRoundTests(ApiHost host) : IClassFixture<ApiHost>, IDisposable
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private readonly TeamApp _app = host.App();
    private readonly string _folder = Directory.CreateTempSubdirectory("buurtzorg-tablet-").FullName;

    [Fact]
    public async Task A_round_worked_offline_is_synced_once_with_its_conflict_flagged_and_the_tablet_brought_up_to_date()
    {
        // A team of three with three clients on daily wound care.
        var team = await _app.TeamWithNurses(3);
        var clients = new List<(CaseloadEntry Entry, string ProblemId, string InterventionId)>();
        for (var i = 0; i < 3; i++)
        {
            var entry = await _app.Admitted(team.TeamId);
            var problem = await _app.AddSkinProblem(entry);
            clients.Add((entry, problem.ProblemId, (await _app.AddWoundCare(entry, problem.ProblemId)).InterventionId));
        }
        var her = _tabletNurse = clients[0].Entry.NamedNurseId;
        var colleague = team.Members.Select(m => m.NurseId).First(id => id != her);
        var third = team.Members.Select(m => m.NurseId).First(id => id != her && id != colleague);
        using var tablet = BuurtzorgClient.Create(host.Address, TokenSource.From(() => host.Mint(new Caller(her, Role.Nurse, team.TeamId))));

        // Online: her day, and the caseload from Changes (the cache's start).
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, London).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await _app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = today });
        Assert.Equal(today, (await tablet.Planning.GetMyDayAsync(new GetMyDayRequest())).Day);
        var loaded = await tablet.Sync.ChangesAsync(new ChangesRequest { TeamId = team.TeamId });
        Assert.True(loaded.Reset);
        var versions = loaded.Changes.ToDictionary(c => c.Changed.Entry.ClientId, c => c.Changed.RecordVersion);
        Assert.Equal(clients.Select(c => c.Entry.ClientId).Order(), versions.Keys.Order());
        var cursor = loaded.NextCursor;

        // The signal goes: the first visit cannot be sent (the library tries, then gives up), so it goes to the outbox.
        var path = Path.Combine(_folder, "outbox.db");
        var outbox = OfflineOutbox.Open(path);
        using (var noSignal = BuurtzorgClient.Create($"http://127.0.0.1:{ClosedPort()}", TokenSource.From(() => host.Mint(new Caller(her, Role.Nurse, team.TeamId))),
            new BuurtzorgClientOptions { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(10) }))
        {
            var first = Visit(clients[0], hoursAgo: 5);
            var failed = await Assert.ThrowsAsync<RpcException>(async () => await noSignal.CareRecords.RecordVisitAsync(first));
            Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
            outbox.Add(new UploadItem { RecordVisit = first });
        }
        outbox.Add(new UploadItem { RecordVisit = Visit(clients[1], hoursAgo: 5) });
        outbox.Add(new UploadItem { RecordVisit = Visit(clients[2], hoursAgo: 4) });
        outbox.Add(new UploadItem { AddNote = Note(clients[0], "Asked for a later visit on Fridays.") });
        outbox.Add(new UploadItem { RecordVisit = Visit(clients[0], hoursAgo: 3) });
        outbox.Add(new UploadItem { RecordVisit = Visit(clients[1], hoursAgo: 3) });
        outbox.Add(new UploadItem
        {
            RateProblem = new RateProblemRequest
            {
                RequestId = NewRequest(),
                ClientId = clients[1].Entry.ClientId,
                RecordedBy = her,
                ProblemId = clients[1].ProblemId,
                Rating = new OutcomeRating { Knowledge = 3, Behaviour = 3, Status = 4 },
            },
        });
        outbox.Add(new UploadItem { RecordVisit = Visit(clients[2], hoursAgo: 2) });
        outbox.Add(new UploadItem { AddNote = Note(clients[2], "Daughter now visits on Tuesdays.") });
        var visitAgain = Visit(clients[1], hoursAgo: 1);
        outbox.Add(new UploadItem { RecordVisit = visitAgain });
        outbox.Add(new UploadItem { RecordVisit = visitAgain }); // saved twice after a crash: kept once
        outbox.Add(new UploadItem { AddNote = Note(clients[2], "") }); // a note left empty: the service will refuse it

        // Meanwhile, online: a colleague stops the first client's wound care; the team passes the second client on.
        var colleagues = _app.As(new Caller(colleague, Role.Nurse, team.TeamId));
        await colleagues.Records.StopInterventionAsync(new StopInterventionRequest
        {
            RequestId = NewRequest(),
            ClientId = clients[0].Entry.ClientId,
            RecordedBy = colleague,
            InterventionId = clients[0].InterventionId,
        });
        await colleagues.Referrals.ReassignNamedNurseAsync(new ReassignNamedNurseRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = clients[1].Entry.ClientId,
            NamedNurseId = colleague,
            BackupNurseId = third,
        });

        // Still offline, she does the wound care she does not know was stopped (after the stop, to the second).
        var late = Visit(clients[0], hoursAgo: 0);
        late.Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        outbox.Add(new UploadItem { RecordVisit = late });

        // The app restarts: only the file remains.
        outbox.Dispose();
        using var reopened = OfflineOutbox.Open(path);
        var batch = reopened.Pending();
        Assert.Equal(12, batch.Count);
        Assert.Equal(8, batch.Count(i => i.WriteCase == UploadItem.WriteOneofCase.RecordVisit));
        var before = await Histories(clients);

        // Back online: the outbox syncs.
        var results = await reopened.SyncAsync(tablet.Sync, team.TeamId);

        Assert.Equal(batch.Select(OfflineOutbox.RequestIdOf), results.Select(r => r.RequestId));
        Assert.Equal(11, results.Count(r => r.Outcome == UploadOutcome.Applied));
        var refused = Assert.Single(results, r => r.Outcome == UploadOutcome.Refused);
        Assert.Equal("INVALID_ARGUMENT", refused.Status);
        Assert.Equal(late.RequestId, Assert.Single(results, r => r.Flagged).RequestId);
        Assert.Empty(reopened.Pending());
        var kept = Assert.Single(reopened.Refused());
        Assert.Equal(refused.RequestId, OfflineOutbox.RequestIdOf(kept.Item));
        Assert.False(string.IsNullOrWhiteSpace(kept.Message));
        var after = await Histories(clients);
        Assert.Equal([before[0] + 4, before[1] + 4, before[2] + 3], after); // each applied item exactly once

        // Changes brings the tablet up to date: the flag, the new named nurse, every record newer.
        var seen = new Dictionary<string, ChangedClient>();
        await Eventually(async () =>
        {
            var changes = await tablet.Sync.ChangesAsync(new ChangesRequest { TeamId = team.TeamId, Cursor = cursor });
            Assert.False(changes.Reset);
            foreach (var change in changes.Changes) seen[change.Changed.Entry.ClientId] = change.Changed;
            cursor = changes.NextCursor;
            return seen;
        }, s => s.Count == 3 && s[clients[0].Entry.ClientId].Entry.Flags.Contains(CaseloadFlag.OfflineConflict)
            && s[clients[1].Entry.ClientId].Entry.NamedNurseId == colleague
            && s.All(c => c.Value.RecordVersion > versions[c.Key]));
        Assert.Contains(CaseloadFlag.OfflineConflict, seen[clients[0].Entry.ClientId].Entry.Flags);
        Assert.Equal(colleague, seen[clients[1].Entry.ClientId].Entry.NamedNurseId);

        // The same batch sent again changes nothing.
        var again = await tablet.Sync.UploadAsync(new UploadRequest { TeamId = team.TeamId, Items = { batch } });
        Assert.Equal(11, again.Results.Count(r => r.Outcome == UploadOutcome.AlreadyApplied));
        Assert.Equal(UploadOutcome.Refused, Assert.Single(again.Results, r => r.Outcome != UploadOutcome.AlreadyApplied).Outcome);
        Assert.Equal(after, await Histories(clients));
    }

    [Fact]
    public void The_outbox_keeps_its_writes_in_order_across_a_restart_once_each_and_only_with_a_request_id()
    {
        var path = Path.Combine(_folder, "order.db");
        var ids = Enumerable.Range(0, 5).Select(_ => NewRequest()).ToList();
        using (var outbox = OfflineOutbox.Open(path))
        {
            foreach (var id in ids) outbox.Add(new UploadItem { AddNote = new AddNoteRequest { RequestId = id, ClientId = "c-1", RecordedBy = "n-1", Text = "Seen." } });
            outbox.Add(new UploadItem { AddNote = new AddNoteRequest { RequestId = ids[2], ClientId = "c-1", RecordedBy = "n-1", Text = "Seen." } });
            Assert.Throws<ArgumentException>(() => outbox.Add(new UploadItem { AddNote = new AddNoteRequest { ClientId = "c-1", Text = "No id." } }));
            Assert.Throws<ArgumentException>(() => outbox.Add(new UploadItem()));
        }

        using var reopened = OfflineOutbox.Open(path);
        Assert.Equal(ids, reopened.Pending().Select(OfflineOutbox.RequestIdOf));
    }

    private RecordVisitRequest Visit((CaseloadEntry Entry, string ProblemId, string InterventionId) client, int hoursAgo)
    {
        var visit = VisitRequest(client.Entry.ClientId, _tabletNurse!, DateTimeOffset.UtcNow.AddHours(-hoursAgo));
        visit.InterventionsDone.Add(client.InterventionId);
        return visit;
    }

    /// <summary>The nurse whose tablet it is: every write of the round is hers.</summary>
    private string? _tabletNurse;

    private AddNoteRequest Note((CaseloadEntry Entry, string ProblemId, string InterventionId) client, string text) =>
        new() { RequestId = NewRequest(), ClientId = client.Entry.ClientId, RecordedBy = _tabletNurse!, Text = text };

    private async Task<int[]> Histories(IEnumerable<(CaseloadEntry Entry, string ProblemId, string InterventionId)> clients) =>
        await Task.WhenAll(clients.Select(async c =>
            (await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = c.Entry.ClientId, PageSize = 500 })).Entries.Count));

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
