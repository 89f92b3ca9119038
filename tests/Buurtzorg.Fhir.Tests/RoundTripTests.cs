using Buurtzorg.Domain.Records;
using Hl7.Fhir.Model;
using Goal = Hl7.Fhir.Model.Goal;

namespace Buurtzorg.Fhir.Tests;

/// <summary>
/// Export, serialize to FHIR JSON, parse back with the SDK: every visit, rating, goal and network member is there and
/// equal to the record's current reading — a corrected entry as corrected, a struck one not at all.
/// </summary>
public sealed partial class RoundTripTests
{
    private readonly FullRecord story = new();

    [Fact]
    public void A_full_record_reads_back_from_FHIR_JSON_equal_to_the_record()
    {
        var source = story.Source();

        var parsed = FhirExport.FromJson<Bundle>(FhirExport.ToJson(FhirExport.Everything(source)));

        Assert.Empty(ExpectedRecord.Differences(parsed, source.Record));
        Assert.Equal(FullRecord.VisitsWritten, parsed.Entry.Count(e => e.Resource is Encounter)); // 200 written, 1 struck, 1 more after
        Assert.Equal(4, ExpectedRecord.Network(source.Record).Count);
    }

    [Fact]
    public void A_struck_visit_is_not_exported_and_the_check_catches_one_that_comes_back()
    {
        var source = story.Source();
        var bundle = FhirExport.Everything(source);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is Encounter { Id: FullRecord.StruckVisit });

        // Were the mapping to ignore the correction, the visit would come back — and the round trip would fail.
        var struck = (VisitRecorded)story.Entries.Single(e => e.EntryId == FullRecord.StruckVisit);
        var wrong = FhirExport.Encounters(new FhirRecordSource(CareRecord.Replay(FullRecord.ClientId,
            story.Entries.Where(e => e is not Correction { CorrectsEntryId: FullRecord.StruckVisit })), source.Teams, source.Practitioners));
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = wrong.Single(e => e.Id == struck.VisitId) });

        var differences = ExpectedRecord.Differences(FhirExport.FromJson<Bundle>(FhirExport.ToJson(bundle)), source.Record);

        Assert.Contains(differences, d => d.Contains(FullRecord.StruckVisit, StringComparison.Ordinal));
    }

    [Fact]
    public void A_corrected_visit_is_exported_as_corrected_and_says_so()
    {
        var encounter = FhirExport.Encounters(story.Source()).Single(e => e.Id == FullRecord.CorrectedVisit);

        Assert.Equal(45m, encounter.Length.Value);
        Assert.Equal(55, (encounter.Period.EndElement.ToDateTimeOffset(TimeSpan.Zero) - encounter.Period.StartElement.ToDateTimeOffset(TimeSpan.Zero)).TotalMinutes);
        var tag = Assert.Single(encounter.Meta.Tag);
        Assert.Equal((FhirCodes.RecordStatusSystem, FhirCodes.Corrected), (tag.System, tag.Code));
        Assert.Equal(FullRecord.Admitted.AddDays(60), encounter.Meta.LastUpdated);
    }

    [Fact]
    public void A_corrected_rating_and_note_are_exported_in_their_corrected_reading()
    {
        var bundle = FhirExport.Everything(story.Source());

        var rating = bundle.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.Id == FullRecord.CorrectedRating);
        Assert.Equal([3, 4, 3], rating.Component.Select(c => ((Integer)c.Value).Value!.Value));
        Assert.NotNull(rating.Meta?.Tag.Single(t => t.Code == FhirCodes.Corrected));
        var note = bundle.Entry.Select(e => e.Resource).OfType<DocumentReference>().Single(d => d.Id == FullRecord.CorrectedNote);
        Assert.Equal("Weekly note 3, corrected.", System.Text.Encoding.UTF8.GetString(note.Content.Single().Attachment.Data));
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is Goal { Id: FullRecord.StruckGoal });
    }

    [Fact]
    public void Visits_come_out_oldest_first_across_episodes()
    {
        var starts = FhirExport.Encounters(story.Source()).Select(e => e.Period.StartElement.ToDateTimeOffset(TimeSpan.Zero)).ToList();

        Assert.Equal(starts.Order(), starts);
        Assert.Equal("visit-again", FhirExport.Encounters(story.Source())[^1].Id);
    }

    [Fact]
    public void The_discharged_episode_is_finished_and_the_readmission_is_open()
    {
        var bundle = FhirExport.Everything(story.Source());
        var episodes = bundle.Entry.Select(e => e.Resource).OfType<EpisodeOfCare>().ToDictionary(e => e.Id);

        var first = episodes[FullRecord.FirstEpisode];
        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Finished, first.Status);
        Assert.Equal(story.Discharged, first.Period.EndElement.ToDateTimeOffset(TimeSpan.Zero));
        var second = episodes[FullRecord.SecondEpisode];
        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Active, second.Status);
        Assert.Null(second.Period.End);
        Assert.Equal("Organization/" + FullRecord.TeamId, second.ManagingOrganization.Reference);
        var plans = bundle.Entry.Select(e => e.Resource).OfType<CarePlan>().ToDictionary(p => p.Id);
        Assert.Equal(RequestStatus.Completed, plans[$"{FullRecord.FirstEpisode}-plan"].Status);
        Assert.Equal(RequestStatus.Active, plans[$"{FullRecord.SecondEpisode}-plan"].Status);
        // The first episode's problems are resolved with it; the pain problem was resolved earlier.
        var conditions = bundle.Entry.Select(e => e.Resource).OfType<Condition>().ToDictionary(c => c.Id);
        Assert.All([FullRecord.Skin, FullRecord.Pain, FullRecord.Medication],
            id => Assert.Equal("resolved", conditions[id].ClinicalStatus.Coding.Single().Code));
        Assert.Equal("active", conditions["prob-skin-2"].ClinicalStatus.Coding.Single().Code);
    }

    [Fact]
    public void The_open_episode_has_its_named_nurse_and_backup_as_a_care_team()
    {
        var bundle = FhirExport.Everything(story.Source());

        var team = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<CareTeam>());
        Assert.Equal(
            [("Named nurse", "Practitioner/" + FullRecord.Named), ("Backup nurse", "Practitioner/" + FullRecord.Backup)],
            team.Participant.Select(p => (p.Role.Single().Text, p.Member.Reference)));
        Assert.Contains(bundle.Entry, e => e.Resource is EpisodeOfCare { Id: FullRecord.SecondEpisode } care && care.Team.Single().Reference == "CareTeam/" + team.Id);
    }

    [Fact]
    public void Every_reference_in_the_bundle_resolves_to_an_entry_of_it()
    {
        var bundle = FhirExport.Everything(story.Source());
        var ids = bundle.Entry.Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}").ToHashSet(StringComparer.Ordinal);

        var references = ReferencePattern().Matches(FhirExport.ToJson(bundle)).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Contains(r, ids));
    }

    [Fact]
    public void Omaha_problems_and_ratings_carry_the_Omaha_text()
    {
        var bundle = FhirExport.Everything(story.Source());

        var skin = bundle.Entry.Select(e => e.Resource).OfType<Condition>().Single(c => c.Id == FullRecord.Skin);
        Assert.Equal("Skin", skin.Code.Text);
        Assert.Equal(OmahaProblem.Skin, FhirCodes.ProblemOf(skin.Code));
        Assert.Equal(["lesion", "drainage"], skin.Evidence.Select(e => e.Code.Single().Text));
        var rating = bundle.Entry.Select(e => e.Resource).OfType<Observation>().First(o => o.Focus.Single().Reference == "Condition/" + FullRecord.Skin);
        Assert.Contains("Skin", rating.Code.Text, StringComparison.Ordinal);
        Assert.Equal(["Knowledge", "Behavior", "Status"], rating.Component.Select(c => c.Code.Text));
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"reference\":\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex ReferencePattern();
}
