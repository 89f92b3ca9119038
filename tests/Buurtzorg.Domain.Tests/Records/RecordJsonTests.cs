using System.Text.Json;
using System.Text.Json.Nodes;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class RecordJsonTests
{
    [Fact]
    public void A_full_record_round_trips_through_json_to_the_same_state()
    {
        var record = ReplayAndRetryTests.FullStory();
        var json = record.ToJson();

        var loaded = JsonSerializer.Deserialize<CareRecord>(json, Json)!;

        Assert.Equal(json, loaded.ToJson());
        Assert.Equal(record.NhsNumber, loaded.NhsNumber);
        Assert.Equal(record.Demographics!.Postcode, loaded.Demographics!.Postcode);
        Assert.Equal(record.ReablementEndsOn, loaded.ReablementEndsOn);
        Assert.Equal(record.VisitsByNurse(), loaded.VisitsByNurse());
        Assert.Equal(record.DirectCareShare(), loaded.DirectCareShare());
        Assert.Equal("e-fix-1", loaded.CorrectionOf("e-visit-2")!.EntryId);
        Assert.Equal(record.History.Count, loaded.History.Count);
    }

    [Fact]
    public void A_discharged_record_round_trips_with_its_past_episode_and_outcomes()
    {
        var record = ReplayAndRetryTests.FullStory().Then(Discharge(at: Day(60), finalRatings: new ProblemRating("prob-skin", new(5, 5, 5))));

        var loaded = JsonSerializer.Deserialize<CareRecord>(record.ToJson(), Json)!;

        Assert.Equal(record.ToJson(), loaded.ToJson());
        Assert.Equal(new OutcomeChange(3, 3, 3), Assert.Single(loaded.PastEpisodes).Outcomes.Single(o => o.ProblemId == "prob-skin").Change);
    }

    [Fact]
    public void A_loaded_record_keeps_working_like_the_original()
    {
        var record = ReplayAndRetryTests.FullStory();
        var loaded = JsonSerializer.Deserialize<CareRecord>(record.ToJson(), Json)!;
        var visit = Visit("visit-9", Nurse, Day(51), interventionsDone: "int-dressing");

        Assert.Same(loaded, loaded.Apply(record.History[^1]));
        Assert.Equal(record.Then(visit).ToJson(), loaded.Then(visit).ToJson());
    }

    [Fact]
    public void Loading_a_record_rebuilds_its_state_from_the_history()
    {
        var record = WithCarePlan().Then(Visit("visit-1", Nurse, Day(1)));
        var json = JsonNode.Parse(record.ToJson())!.AsObject();
        json["visits"] = new JsonArray();
        json["problems"] = new JsonArray();

        var loaded = json.Deserialize<CareRecord>(Json)!;

        Assert.Single(loaded.Visits);
        Assert.Single(loaded.ActiveProblems);
    }

    [Fact]
    public void Every_kind_of_entry_round_trips_as_a_record_entry_under_its_kind()
    {
        var entries = ReplayAndRetryTests.FullStory().Then(Discharge(at: Day(60))).History;
        Assert.Equal(17, entries.Select(e => e.GetType()).Distinct().Count());

        foreach (var entry in entries)
        {
            var json = JsonSerializer.Serialize<RecordEntry>(entry, Json);

            var loaded = JsonSerializer.Deserialize<RecordEntry>(json, Json)!;

            Assert.IsType(entry.GetType(), loaded);
            Assert.Equal(json, JsonSerializer.Serialize(loaded, Json));
            Assert.StartsWith($$"""{"$kind":"{{entry.Kind}}",""", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_correction_carries_its_replacement_as_a_polymorphic_entry_and_a_strike_as_null()
    {
        var record = ReplayAndRetryTests.FullStory();
        var replacing = JsonSerializer.Serialize<RecordEntry>(record.FindEntry("e-fix-1")!, Json);
        var striking = JsonSerializer.Serialize<RecordEntry>(record.FindEntry("e-fix-2")!, Json);

        Assert.Contains("\"replacement\":{\"$kind\":\"visit_recorded\"", replacing, StringComparison.Ordinal);
        Assert.Contains("\"replacement\":null", striking, StringComparison.Ordinal);
        Assert.True(Assert.IsType<Correction>(JsonSerializer.Deserialize<RecordEntry>(striking, Json)).Strikes);
    }

    [Fact]
    public void Nhs_numbers_postcodes_and_dates_are_stored_as_the_strings_people_read()
    {
        var json = WithCarePlan().ToJson();

        Assert.Contains($"\"nhsNumber\":\"{NhsDigits}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"postcode\":\"E3 4AA\"", json, StringComparison.Ordinal);
        Assert.Contains("\"dateOfBirth\":\"1938-05-14\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_before_any_referral_round_trips_with_no_nhs_number()
    {
        var record = NewRecord();

        var loaded = JsonSerializer.Deserialize<CareRecord>(record.ToJson(), Json)!;

        Assert.Null(loaded.NhsNumber);
        Assert.Equal(ClientId, loaded.ClientId);
        Assert.Empty(loaded.History);
    }
}
