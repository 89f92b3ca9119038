using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

/// <summary>
/// An entry corrected more than once: the record reads the latest correction, and the history marks every entry that
/// no longer stands — the original and each earlier correction — with the correction in force.
/// </summary>
public sealed class CorrectionChainTests
{
    private static readonly CareRecord Noted = WithCarePlan().Then(Note("note-1", "Dressing changed, left leg"));

    [Fact]
    public void A_second_correction_marks_the_first_correction_as_superseded()
    {
        var record = Noted.ThenAll(
            Correcting("e-note-1", Note("note-1", "Dressing changed, right leg"), Day(1), "fix-1"),
            Correcting("e-note-1", Note("note-1", "Dressing changed, both legs"), Day(2), "fix-2"));

        Assert.Equal("Dressing changed, both legs", Assert.Single(record.Notes).Text);
        Assert.Equal("e-fix-2", record.CorrectedBy("e-note-1")?.EntryId);
        Assert.Equal("e-fix-2", record.CorrectedBy("e-fix-1")?.EntryId);
        Assert.Null(record.CorrectedBy("e-fix-2"));
    }

    [Fact]
    public void A_single_correction_marks_only_the_entry_it_corrects()
    {
        var record = Noted.Then(Correcting("e-note-1", Note("note-1", "Dressing changed, right leg"), Day(1), "fix-1"));

        Assert.Equal("e-fix-1", record.CorrectedBy("e-note-1")?.EntryId);
        Assert.Null(record.CorrectedBy("e-fix-1"));
        Assert.Null(record.CorrectedBy("e-int-dressing"));
        Assert.Null(Noted.CorrectedBy("e-note-1"));
    }

    [Fact]
    public void Three_corrections_mark_the_original_and_both_earlier_corrections_with_the_last()
    {
        var record = Noted.ThenAll(
            Correcting("e-note-1", Note("note-1", "First fix"), Day(1), "fix-1"),
            Correcting("e-note-1", null, Day(2), "fix-2"),
            Correcting("e-note-1", Note("note-1", "Third fix"), Day(3), "fix-3"));

        Assert.Equal("e-fix-3", record.CorrectedBy("e-note-1")?.EntryId);
        Assert.Equal("e-fix-3", record.CorrectedBy("e-fix-1")?.EntryId);
        Assert.Equal("e-fix-3", record.CorrectedBy("e-fix-2")?.EntryId);
        Assert.Null(record.CorrectedBy("e-fix-3"));
        Assert.Equal("Third fix", Assert.Single(record.Notes).Text);
    }

    [Fact]
    public void The_marks_survive_reloading_the_record_from_its_history()
    {
        var record = Noted.ThenAll(
            Correcting("e-note-1", Note("note-1", "First fix"), Day(1), "fix-1"),
            Correcting("e-note-1", Note("note-1", "Second fix"), Day(2), "fix-2"));

        var reloaded = CareRecord.Replay(ClientId, record.History);

        Assert.Equal("e-fix-2", reloaded.CorrectedBy("e-fix-1")?.EntryId);
        Assert.Equal("e-fix-2", reloaded.CorrectedBy("e-note-1")?.EntryId);
    }
}
