using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A nurse works a morning without a signal and her tablet sends it all in one upload in the afternoon
/// (SyncService/Upload): each item answered in the batch's order, each client's items applied in order, a batch sent
/// again applying nothing twice, one bad item refused without the rest, and care given against a plan that changed
/// meanwhile kept and raised to the team.
/// </summary>
public sealed class SyncUploadTests : IAsyncLifetime
{
    private const int MaxUploadItems = 200; // as sync_service.proto says: at most 200 items

    private static readonly DateOnly Today = new(2026, 7, 14);

    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.Start(TestKeys.Arguments);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CareClock Clock => _host.Services.GetRequiredService<CareClock>();

    private static Timestamp At(int hour, int minute = 0) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(Today.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(1)));

    /// <summary>The client as the tablet cached it: on the caseload, a skin problem, daily wound care.</summary>
    private sealed record Client(CaseloadEntry Entry, string ProblemId, string InterventionId)
    {
        public string Id => Entry.ClientId;
    }

    /// <summary>A team of three, two clients with a care plan each, set up at 08:00 before the round.</summary>
    private async Task<(TeamApp App, Team Team, Client A, Client B)> Morning()
    {
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(8, 0)));
        var app = _host.App();
        var team = await app.TeamWithNurses(3);
        var clients = new List<Client>();
        for (var i = 0; i < 2; i++)
        {
            var entry = await app.Admitted(team.TeamId);
            var problem = await app.AddSkinProblem(entry, "leg ulcer");
            var intervention = await app.AddWoundCare(entry, problem.ProblemId);
            clients.Add(new Client(entry, problem.ProblemId, intervention.InterventionId));
        }
        return (app, team, clients[0], clients[1]);
    }

    private static UploadItem Visit(Client client, Timestamp start, string? nurseId = null) => new()
    {
        RecordVisit = new RecordVisitRequest
        {
            RequestId = NewRequest(),
            ClientId = client.Id,
            NurseId = nurseId ?? client.Entry.NamedNurseId,
            Start = start,
            DurationMinutes = 30,
            DirectCareMinutes = 25,
            InterventionsDone = { client.InterventionId },
            Note = "Dressing changed.",
        },
    };

    private static UploadItem Note(Client client, Timestamp writtenAt, string text, string? by = null) => new()
    {
        AddNote = new AddNoteRequest { RequestId = NewRequest(), ClientId = client.Id, RecordedBy = by ?? client.Entry.NamedNurseId, Text = text, WrittenAt = writtenAt },
    };

    private static UploadItem Rating(Client client, int status) => new()
    {
        RateProblem = new RateProblemRequest
        {
            RequestId = NewRequest(),
            ClientId = client.Id,
            RecordedBy = client.Entry.NamedNurseId,
            ProblemId = client.ProblemId,
            Rating = new OutcomeRating { Knowledge = 3, Behaviour = 3, Status = status },
            RatedOn = Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        },
    };

    private static async Task<List<HistoryEntry>> History(TeamApp app, string clientId) =>
        [.. (await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId, PageSize = 500 })).Entries];

    private static async Task<UploadResponse> Upload(TeamApp app, string teamId, params UploadItem[] items) =>
        await app.Sync.UploadAsync(new UploadRequest { TeamId = teamId, Items = { items } });

    /// <summary>The flag reaches the team one-way: the caseload is read until it shows as expected.</summary>
    private static async Task<bool> Flagged(TeamApp app, string teamId, string clientId, bool expected)
    {
        var caseload = await Eventually(
            () => app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId }).ResponseAsync,
            c => c.Entries.Single(e => e.ClientId == clientId).Flags.Contains(CaseloadFlag.OfflineConflict) == expected);
        return caseload.Entries.Single(e => e.ClientId == clientId).Flags.Contains(CaseloadFlag.OfflineConflict);
    }

    [Fact]
    public async Task A_morning_offline_for_two_clients_applies_each_clients_items_in_order_and_answers_every_item()
    {
        var (app, team, a, b) = await Morning();
        var before = (await History(app, a.Id)).Count;
        UploadItem[] items =
        [
            Visit(a, At(9, 0)),
            Note(a, At(9, 35), "Skin around the ulcer is dry."),
            Visit(b, At(10, 0)),
            Rating(b, 4),
            Note(a, At(9, 40), "Asked the GP for a cream."),
            Note(b, At(10, 35), "Pain much less today."),
        ];
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));

        var results = (await Upload(app, team.TeamId, items)).Results;

        Assert.Equal(items.Select(RequestIdOf), results.Select(r => r.RequestId));
        Assert.All(results, r => Assert.Equal(UploadOutcome.Applied, r.Outcome));
        Assert.All(results, r => Assert.False(r.Flagged));
        Assert.Equal(new[] { a.Id, a.Id, b.Id, b.Id, a.Id, b.Id }, results.Select(r => r.ClientId));
        // Client A's three items joined the record in the batch's order, each when it really happened.
        var history = await History(app, a.Id);
        var added = history.Skip(before).ToList();
        Assert.Equal(new[] { results[0].EntryId, results[1].EntryId, results[4].EntryId }, added.Select(e => e.EntryId));
        Assert.Equal(["visit_recorded", "note_added", "note_added"], added.Select(e => e.Kind));
        Assert.Equal(At(9, 35), added[1].At);
        Assert.True(results[4].RecordVersion > results[1].RecordVersion && results[1].RecordVersion > results[0].RecordVersion);
        var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = b.Id })).Record;
        Assert.Equal(4, record.Problems.Single().LatestRating.Rating_.Status);
        Assert.Single(record.Visits);
    }

    [Fact]
    public async Task The_same_batch_sent_again_answers_already_applied_for_each_item_and_changes_nothing()
    {
        var (app, team, a, b) = await Morning();
        UploadItem[] items = [Visit(a, At(9, 0)), Note(a, At(9, 35), "Dry skin."), Visit(b, At(10, 0)), Rating(b, 4)];
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));
        var first = (await Upload(app, team.TeamId, items)).Results;
        var (historyA, historyB) = (await History(app, a.Id), await History(app, b.Id));

        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 30)));
        var again = (await Upload(app, team.TeamId, items)).Results;

        Assert.All(again, r => Assert.Equal(UploadOutcome.AlreadyApplied, r.Outcome));
        Assert.Equal(first.Select(r => r.EntryId), again.Select(r => r.EntryId));
        Assert.Equal(historyA.Count, (await History(app, a.Id)).Count);
        Assert.Equal(historyB.Count, (await History(app, b.Id)).Count);
        // A write made by the single call whose answer was lost, then sent again in an upload, is the same write.
        var online = Note(a, At(15, 0), "Online.");
        var single = await app.Records.AddNoteAsync(online.AddNote);
        var replayed = (await Upload(app, team.TeamId, online)).Results.Single();
        Assert.Equal(UploadOutcome.AlreadyApplied, replayed.Outcome);
        Assert.Equal(single.Note.NoteId, replayed.EntryId);
        Assert.Equal(historyA.Count + 1, (await History(app, a.Id)).Count);
    }

    [Fact]
    public async Task One_bad_item_is_refused_with_the_single_calls_status_message_and_reason_and_the_others_apply()
    {
        var (app, team, a, b) = await Morning();
        var beforeAdmission = Timestamp.FromDateTimeOffset(new DateTimeOffset(Today.AddDays(-3).ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(1)));
        var tooLong = Visit(b, At(10, 0));
        tooLong.RecordVisit.DurationMinutes = 0;
        UploadItem[] items = [Visit(a, At(9, 0)), Visit(b, beforeAdmission), Note(b, At(10, 35), "Fine."), tooLong, new UploadItem(), Rating(a, 5)];
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));
        var before = (await History(app, b.Id)).Count;

        var results = (await Upload(app, team.TeamId, items)).Results;

        Assert.Equal(
            [UploadOutcome.Applied, UploadOutcome.Refused, UploadOutcome.Applied, UploadOutcome.Refused, UploadOutcome.Refused, UploadOutcome.Applied],
            results.Select(r => r.Outcome));
        var outside = results[1];
        Assert.Equal("FAILED_PRECONDITION", outside.Status);
        Assert.Equal(RefusalReason.OutsideEpisode, outside.Reason);
        Assert.Contains("admitted", outside.Message, StringComparison.Ordinal);
        Assert.Equal("INVALID_ARGUMENT", results[3].Status);
        Assert.Equal("INVALID_ARGUMENT", results[4].Status);
        Assert.All(results.Where(r => r.Outcome == UploadOutcome.Refused), r => Assert.Empty(r.EntryId));
        // Only the note joined B's record: nothing of the refused visits.
        Assert.Equal("note_added", Assert.Single((await History(app, b.Id)).Skip(before)).Kind);
    }

    [Fact]
    public async Task A_batch_that_is_itself_wrong_fails_whole_and_changes_nothing()
    {
        var (app, team, a, _) = await Morning();
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));
        var before = (await History(app, a.Id)).Count;
        var twice = Note(a, At(9, 0), "Twice.");
        var other = await app.ActiveTeam();

        var tooMany = await Refused(() => Upload(app, team.TeamId, [.. Enumerable.Range(0, MaxUploadItems + 1).Select(i => Note(a, At(9, 0), $"Note {i}."))]));
        var sameId = await Refused(() => Upload(app, team.TeamId, twice, twice));
        var otherTeam = await Refused(() => app.As(new Grains.Security.Caller(a.Entry.NamedNurseId, Grains.Security.Role.Nurse, team.TeamId))
            .Sync.UploadAsync(new UploadRequest { TeamId = other.TeamId, Items = { Note(a, At(9, 0), "Wrong team.") } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Contains("200", tooMany.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, sameId.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, otherTeam.StatusCode);
        Assert.Equal(before, (await History(app, a.Id)).Count);
    }

    [Fact]
    public async Task A_visit_made_offline_for_an_intervention_stopped_before_it_is_kept_and_flagged_to_the_team_and_one_made_before_the_stop_is_simply_valid()
    {
        var (app, team, a, _) = await Morning();
        // At noon a colleague, online, stops the wound care; the nurse's tablet did not hear of it.
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(12, 0)));
        await app.Records.StopInterventionAsync(new StopInterventionRequest { RequestId = NewRequest(), ClientId = a.Id, RecordedBy = team.Members[2].NurseId, InterventionId = a.InterventionId });
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));

        var results = (await Upload(app, team.TeamId, Visit(a, At(9, 0)), Visit(a, At(13, 0)))).Results;

        Assert.All(results, r => Assert.Equal(UploadOutcome.Applied, r.Outcome));
        Assert.Equal([false, true], results.Select(r => r.Flagged));
        var visits = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = a.Id })).Record.Visits;
        Assert.Equal(2, visits.Count);
        Assert.All(visits, v => Assert.Equal(a.InterventionId, Assert.Single(v.InterventionsDone)));
        Assert.True(await Flagged(app, team.TeamId, a.Id, expected: true));
        // The single call still refuses a visit for a stopped intervention: only work done offline is kept so.
        var single = await Refused(() => app.Records.RecordVisitAsync(Visit(a, At(14, 0)).RecordVisit).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, single.StatusCode);

        // The team looks, and reviews the care plan: the flag clears.
        await app.Records.ScheduleReviewAsync(new ScheduleReviewRequest
        {
            RequestId = NewRequest(),
            ClientId = a.Id,
            RecordedBy = team.Members[2].NurseId,
            DueDate = Today.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        Assert.False(await Flagged(app, team.TeamId, a.Id, expected: false));
    }

    [Fact]
    public async Task A_visit_and_note_made_offline_after_the_client_passed_to_another_named_nurse_are_kept_and_flagged()
    {
        var (app, team, a, b) = await Morning();
        var was = a.Entry.NamedNurseId;
        var others = team.Members.Select(m => m.NurseId).Where(n => n != was).ToList();
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(11, 0)));
        await app.Referrals.ReassignNamedNurseAsync(new ReassignNamedNurseRequest { RequestId = NewRequest(), TeamId = team.TeamId, ClientId = a.Id, NamedNurseId = others[0], BackupNurseId = others[1] });
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(15, 0)));

        var results = (await Upload(app, team.TeamId, Visit(a, At(10, 0), was), Visit(a, At(12, 0), was), Note(a, At(12, 40), "Seen.", was), Visit(b, At(12, 0)))).Results;

        Assert.All(results, r => Assert.Equal(UploadOutcome.Applied, r.Outcome));
        Assert.Equal([false, true, true, false], results.Select(r => r.Flagged));
        Assert.True(await Flagged(app, team.TeamId, a.Id, expected: true));
    }

    private static string RequestIdOf(UploadItem item) => item.WriteCase switch
    {
        UploadItem.WriteOneofCase.RecordVisit => item.RecordVisit.RequestId,
        UploadItem.WriteOneofCase.AddNote => item.AddNote.RequestId,
        UploadItem.WriteOneofCase.RateProblem => item.RateProblem.RequestId,
        _ => "",
    };
}
