using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

/// <summary>
/// A referral's details are a claim about the client, checked against the record, never a replacement for it; only a
/// nurse of the client's team changes the record's details, by a dated, attributed entry that names its source.
/// </summary>
public sealed class DemographicsTests
{
    private static readonly Demographics Moved =
        Details with { AddressLine = "3 Roman Road", Postcode = Postcode.Parse("E2 0QN") };

    private static readonly Demographics SomeoneElse =
        new("Margaret", "Pennyfeather", new DateOnly(1941, 2, 3), "9 Mile End Road", Postcode.Parse("E1 4NS"), null);

    private static DemographicsUpdated Confirmed(
        Demographics details, DemographicsSource source = DemographicsSource.PdsLookup, string? referralId = null,
        string id = "e-details-1", DateTimeOffset? at = null) =>
        new(id, at ?? Day(31), Nurse, details, source, referralId);

    [Fact]
    public void The_first_referral_sets_the_clients_details()
    {
        var record = NewRecord().Then(Referral());

        Assert.Equal(Details, record.Demographics);
        Assert.False(Assert.Single(record.Referrals).DetailsDiffer);
        Assert.False(record.DetailsDifferFromReferral);
    }

    [Fact]
    public void A_later_referral_with_other_details_leaves_the_records_details_as_they_were()
    {
        var record = Admitted().Then(Referral("ref-2", SomeoneElse, Day(30)));

        Assert.Equal(Details, record.Demographics);
        Assert.Equal(Nhs, record.NhsNumber);
        var claim = record.Referrals.Single(r => r.ReferralId == "ref-2");
        Assert.Equal(SomeoneElse, claim.Details);
        Assert.True(claim.DetailsDiffer);
        Assert.True(claim.DetailsPending);
        Assert.True(record.DetailsDifferFromReferral);
    }

    [Fact]
    public void A_later_referral_from_the_clients_own_team_does_not_change_the_details_either()
    {
        var record = Admitted().Then(Referral("ref-2", Moved, Day(30)));

        Assert.Equal("12 Bow Common Lane", record.Demographics!.AddressLine);
        Assert.Equal("E3 4AA", record.Demographics.Postcode.Value);
        Assert.True(record.DetailsDifferFromReferral);
    }

    public static TheoryData<string, Demographics> OneDetailChanged => new()
    {
        { "given name", Details with { GivenName = "Winnie" } },
        { "family name", Details with { FamilyName = "Oakshaw" } },
        { "date of birth", Details with { DateOfBirth = new DateOnly(1938, 5, 15) } },
        { "address line", Details with { AddressLine = "14 Bow Common Lane" } },
        { "postcode", Details with { Postcode = Postcode.Parse("E3 4AB") } },
        { "phone", Details with { Phone = null } },
    };

    [Theory]
    [MemberData(nameof(OneDetailChanged))]
    public void A_referral_differing_in_any_one_detail_is_kept_as_a_difference(string detail, Demographics claimed)
    {
        var record = Admitted().Then(Referral("ref-2", claimed, Day(30)));

        Assert.True(record.DetailsDifferFromReferral, detail);
        Assert.Equal(Details, record.Demographics);
    }

    [Fact]
    public void A_referral_whose_details_match_once_tidied_is_no_difference()
    {
        var untidy = Details with
        {
            GivenName = $"  {GivenName} ",
            FamilyName = $"{FamilyName}  ",
            AddressLine = $" {Address}",
            Postcode = Postcode.Parse("e34aa"),
            Phone = " 020 7946 0000 ",
        };

        var record = Admitted().Then(Referral("ref-2", untidy, Day(30)));

        Assert.False(record.Referrals.Single(r => r.ReferralId == "ref-2").DetailsDiffer);
        Assert.False(record.DetailsDifferFromReferral);
    }

    [Fact]
    public void A_nurse_confirming_a_referrals_details_changes_the_record_and_settles_the_difference()
    {
        var record = Admitted().Then(Referral("ref-2", Moved, Day(30))).Then(FromReferral(Moved, "ref-2"));

        Assert.Equal(Moved, record.Demographics);
        Assert.False(record.DetailsDifferFromReferral);
        var settled = record.Referrals.Single(r => r.ReferralId == "ref-2");
        Assert.True(settled.DetailsDiffer);
        Assert.Equal("e-details-1", settled.SettledByEntryId);
        var entry = Assert.IsType<DemographicsUpdated>(record.History[^1]);
        Assert.Equal((Nurse, Day(31)), (entry.RecordedBy, entry.At));
        Assert.Equal(DemographicsSource.ReferralConfirmed, entry.Source);
    }

    [Fact]
    public void Confirming_the_details_the_record_already_has_settles_a_referral_that_had_them_wrong()
    {
        var record = Admitted().Then(Referral("ref-2", SomeoneElse, Day(30)))
            .Then(Confirmed(Details, DemographicsSource.PdsLookup));

        Assert.Equal(Details, record.Demographics);
        Assert.False(record.DetailsDifferFromReferral);
        Assert.Equal(SomeoneElse, record.Referrals.Single(r => r.ReferralId == "ref-2").Details);
    }

    [Fact]
    public void A_confirmation_settles_every_difference_waiting_for_it_and_none_that_comes_after()
    {
        var record = Admitted()
            .Then(Referral("ref-2", Moved, Day(30)))
            .Then(Referral("ref-3", SomeoneElse, Day(30)))
            .Then(Confirmed(Moved with { Phone = "07700 900999" }, DemographicsSource.ClientOrFamily))
            .Then(Referral("ref-4", Moved, Day(32)));

        Assert.Equal("07700 900999", record.Demographics!.Phone);
        var earlier = record.Referrals.Where(r => r.ReferralId is "ref-2" or "ref-3");
        Assert.All(earlier, r => Assert.False(r.DetailsPending));
        // The next referral is compared with the details as confirmed: its phone is the old one.
        Assert.True(record.Referrals.Single(r => r.ReferralId == "ref-4").DetailsPending);
        Assert.True(record.DetailsDifferFromReferral);
    }

    [Fact]
    public void A_retried_confirmation_changes_nothing()
    {
        var once = Admitted().Then(Confirmed(Moved));

        var again = once.Then(Confirmed(Moved));
        var sameIdOtherDetails = once.Then(Confirmed(SomeoneElse));

        Assert.Same(once, again);
        Assert.Same(once, sameIdOtherDetails);
        Assert.Equal(Moved, sameIdOtherDetails.Demographics);
    }

    [Fact]
    public void A_confirmation_is_kept_through_a_replay_of_the_history()
    {
        var built = Admitted().Then(Referral("ref-2", Moved, Day(30))).Then(FromReferral(Moved, "ref-2"));

        var replayed = CareRecord.Replay(ClientId, built.History);

        Assert.Equal(built.ToJson(), replayed.ToJson());
        Assert.Equal(Moved, replayed.Demographics);
    }

    [Fact]
    public void A_confirmation_stores_its_details_source_and_referral_under_its_own_kind()
    {
        var confirmed = FromReferral(Moved, "ref-2");

        var json = JsonSerializer.Serialize<RecordEntry>(confirmed, Json);
        var loaded = JsonSerializer.Deserialize<RecordEntry>(json, Json);

        Assert.StartsWith("""{"$kind":"demographics_updated",""", json, StringComparison.Ordinal);
        Assert.Contains("\"postcode\":\"E2 0QN\"", json, StringComparison.Ordinal);
        Assert.Contains("\"referralId\":\"ref-2\"", json, StringComparison.Ordinal);
        Assert.Equal(confirmed, loaded);
    }

    private sealed record Refusal(CareRecord Record, DemographicsUpdated Entry, RuleViolation Violation);

    private static readonly CareRecord Referred = NewRecord().Then(Referral());
    private static readonly CareRecord WithClaim = Admitted().Then(Referral("ref-2", Moved, Day(30)));

    private const RuleViolation Invalid = RuleViolation.InvalidArgument;
    private static readonly DateOnly Later = MondayDate.AddDays(40);
    private const RuleViolation Precondition = RuleViolation.FailedPrecondition;

    private static DemographicsUpdated FromReferral(Demographics details, string? referralId = null) =>
        Confirmed(details, DemographicsSource.ReferralConfirmed, referralId);

    private static readonly Dictionary<string, Refusal> Refusals = new()
    {
        ["details for a client on no caseload"] = new(Referred, Confirmed(Moved), Precondition),
        ["details after discharge"] = new(Admitted().Then(Discharge(at: Day(20))), Confirmed(Moved), Precondition),
        ["no details"] = new(WithClaim, Confirmed(Moved) with { Details = null! }, Invalid),
        ["a birth date in the future"] = new(WithClaim, Confirmed(Moved with { DateOfBirth = Later }), Invalid),
        ["a birth date before 1900"] = new(WithClaim, Confirmed(Moved with { DateOfBirth = new(1899, 12, 31) }), Invalid),
        ["a blank given name"] = new(WithClaim, Confirmed(Moved with { GivenName = "  " }), Invalid),
        ["a blank address"] = new(WithClaim, Confirmed(Moved with { AddressLine = "" }), Invalid),
        ["no postcode"] = new(WithClaim, Confirmed(Moved with { Postcode = default }), Invalid),
        ["no source"] = new(WithClaim, Confirmed(Moved, source: 0), Invalid),
        ["an unknown source"] = new(WithClaim, Confirmed(Moved, source: (DemographicsSource)99), Invalid),
        ["a referral confirmed without naming it"] = new(WithClaim, FromReferral(Moved), Invalid),
        ["a referral not on the record"] = new(WithClaim, FromReferral(Moved, "ref-9"), RuleViolation.NotFound),
        ["details other than the named referral's"] = new(WithClaim, FromReferral(SomeoneElse, "ref-2"), Invalid),
        ["no author"] = new(WithClaim, Confirmed(Moved) with { RecordedBy = " " }, Invalid),
    };

    public static TheoryData<string> RefusalNames => [.. Refusals.Keys];

    [Theory]
    [MemberData(nameof(RefusalNames))]
    public void A_confirmation_that_breaks_a_rule_is_refused_and_changes_nothing(string name)
    {
        var (record, entry, violation) = Refusals[name];

        var refused = Assert.Throws<CareRuleException>(
            () => CareRecordRules.Check(record, entry, entry.At, DateOf(entry.At)));

        Assert.Equal(violation, refused.Violation);
        Assert.Null(record.FindEntry(entry.EntryId));
        foreach (var secret in new[] { GivenName, FamilyName, Address, "Roman Road", "Pennyfeather", "E2 0QN" })
            Assert.DoesNotContain(secret, refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}
