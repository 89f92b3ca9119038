using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A record whose history has outgrown what its grain holds: retries are still answered once, from the journal, and
/// the history pages through every entry in order with its corrections marked.
/// </summary>
public sealed class RecordAtScaleTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();

    private Task<AddNoteResponse> Note(CaseloadEntry client, string text, string? requestId = null) =>
        _app.Records.AddNoteAsync(new AddNoteRequest
        {
            RequestId = requestId ?? NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            Text = text,
        }).ResponseAsync;

    private async Task<List<HistoryEntry>> WholeHistory(string clientId, int pageSize)
    {
        var entries = new List<HistoryEntry>();
        var token = "";
        do
        {
            var page = await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId, PageSize = pageSize, PageToken = token });
            Assert.InRange(page.Entries.Count, 1, pageSize);
            entries.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token != "");
        return entries;
    }

    [Fact]
    public async Task A_retry_long_after_its_write_gets_the_first_answer_and_adds_nothing()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var request = NewRequest();
        var first = await Note(client, "Dressing changed, left leg.", request);
        for (var i = 0; i < Domain.Records.CareRecord.RecentEntries + 4; i++) await Note(client, $"Note {i}.");
        var before = await WholeHistory(client.ClientId, 100);

        var retried = await Note(client, "Sent again with other words.", request);

        Assert.Equal(first.Note, retried.Note);
        Assert.Equal(before, await WholeHistory(client.ClientId, 100));
    }

    [Fact]
    public async Task A_retried_visit_the_rules_would_now_refuse_is_answered_from_the_journal_after_the_discharge()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var request = NewRequest();
        var visit = await _app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1), request);
        for (var i = 0; i < Domain.Records.CareRecord.RecentEntries; i++) await Note(client, $"Note {i}.");
        await _app.Referrals.DischargeAsync(new DischargeRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = client.ClientId,
            Reason = DischargeReason.GoalsMet,
            RecordedBy = client.NamedNurseId,
        });

        var retried = await _app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1), request);

        Assert.Equal(visit.Visit, retried.Visit);
        Assert.Single(await WholeHistory(client.ClientId, 500), e => e.Kind == "visit_recorded");
    }

    [Fact]
    public async Task The_history_pages_through_every_entry_in_order_with_corrections_marked()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var notes = new List<Note>();
        for (var i = 0; i < 240; i++) notes.Add((await Note(client, $"Note {i}.")).Note);
        var fixedOnce = await Correct(client, notes[3].NoteId, "Note 3, corrected.");
        var fixedTwice = await Correct(client, notes[3].NoteId, "Note 3, corrected again.");
        var struck = (await _app.Records.CorrectEntryAsync(new CorrectEntryRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            EntryId = notes[100].NoteId,
            Reason = "Wrong client",
            Strike = true,
        })).Entry;

        var history = await WholeHistory(client.ClientId, 100);

        // The referral and the admission, every note in the order written, then the three corrections.
        Assert.Equal(2 + 240 + 3, history.Count);
        Assert.Equal(notes.Select(n => n.NoteId), history.Skip(2).Take(240).Select(e => e.EntryId));
        Assert.Equal([fixedOnce.EntryId, fixedTwice.EntryId, struck.EntryId], history.TakeLast(3).Select(e => e.EntryId));
        var byId = history.ToDictionary(e => e.EntryId);
        Assert.Equal(fixedTwice.EntryId, byId[notes[3].NoteId].CorrectedByEntryId);
        Assert.Equal(fixedTwice.EntryId, byId[fixedOnce.EntryId].CorrectedByEntryId);
        Assert.Equal(struck.EntryId, byId[notes[100].NoteId].CorrectedByEntryId);
        Assert.Equal(3, history.Count(e => e.CorrectedByEntryId != ""));
        // The record itself shows the latest notes as they now read.
        var record = (await _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record;
        Assert.Equal(239, record.NotesInEpisode);
        Assert.Equal("Note 239.", record.Notes[0].Text);
    }

    private async Task<HistoryEntry> Correct(CaseloadEntry client, string entryId, string text) =>
        (await _app.Records.CorrectEntryAsync(new CorrectEntryRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            EntryId = entryId,
            Reason = "Wrong leg recorded",
            Note = new Note { Text = text },
        })).Entry;
}
