using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// What the record's history and audit trail answer: every correction that no longer stands is marked, and a record
/// that does not exist has no trail either.
/// </summary>
public sealed class RecordHistoryTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();

    [Fact]
    public async Task The_audit_trail_of_a_client_id_with_no_record_is_not_found_like_the_record()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var nurse = _app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));
        await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId });
        var known = await nurse.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId });
        Assert.NotEmpty(known.Accesses);

        const string Unknown = "c-0000000000000000";
        var record = await Refused(() => nurse.Records.GetRecordAsync(new() { ClientId = Unknown }).ResponseAsync);
        var trail = await Refused(() => nurse.Records.ListAccessesAsync(new() { ClientId = Unknown }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, trail.StatusCode);
        Assert.Equal(record.Status, trail.Status);
    }

    [Fact]
    public async Task A_note_corrected_twice_shows_the_latest_text_and_the_first_correction_is_marked_superseded()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        var note = (await _app.Records.AddNoteAsync(new AddNoteRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            Text = "Dressing changed, left leg.",
        })).Note;

        var first = (await _app.Records.CorrectEntryAsync(Correcting(client, note.NoteId, "Right leg dressed."))).Entry;
        var second = (await _app.Records.CorrectEntryAsync(Correcting(client, note.NoteId, "Both legs dressed."))).Entry;

        var entries = (await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId })).Entries;
        var history = entries.ToDictionary(e => e.EntryId);
        Assert.Equal(second.EntryId, history[note.NoteId].CorrectedByEntryId);
        Assert.Equal(second.EntryId, history[first.EntryId].CorrectedByEntryId);
        Assert.Equal("", history[second.EntryId].CorrectedByEntryId);
        Assert.Equal(note.NoteId, history[first.EntryId].CorrectsEntryId);
        Assert.Equal(note.NoteId, history[second.EntryId].CorrectsEntryId);
        Assert.Equal("", second.CorrectedByEntryId);
        var record = (await _app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record;
        Assert.Equal("Both legs dressed.", Assert.Single(record.Notes).Text);
    }

    private static CorrectEntryRequest Correcting(CaseloadEntry client, string entryId, string text) => new()
    {
        RequestId = NewRequest(),
        ClientId = client.ClientId,
        RecordedBy = client.NamedNurseId,
        EntryId = entryId,
        Reason = "Wrong leg recorded",
        Note = new Note { Text = text },
    };
}
