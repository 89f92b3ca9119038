using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class RuleRefusalTests
{
    private sealed record Scenario(CareRecord Record, RecordEntry Entry, RuleViolation Violation, DateTimeOffset? Now = null);

    private static readonly CareRecord Referred = NewRecord().Then(Referral());
    private static readonly CareRecord Planned = WithCarePlan();
    private static readonly CareRecord Discharged = Planned.Then(Discharge(at: Day(60)));
    private static readonly CareRecord Resolved = Planned.Then(new ProblemResolved("e-resolve", Day(5), Nurse, "prob-skin"));
    private static readonly CareRecord Stopped = Planned.Then(new InterventionStopped("e-stop", Day(5), Nurse, "int-dressing"));

    // Patient data is put into the refused fields wherever it fits, so the privacy test has something to find.
    private static readonly string LongText = SecretNote + new string('.', Text.NoteMax);
    private static readonly string NamedSign = $"{GivenName} {FamilyName} says " + new string('!', Text.ShortMax);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        // Care needs an open episode.
        ["a problem before admission"] = new(Referred, Problem("prob-pain", OmahaProblem.Pain), RuleViolation.FailedPrecondition),
        ["a note before admission"] = new(Referred, Note("note-1"), RuleViolation.FailedPrecondition),
        ["a visit after discharge"] = new(Discharged, Visit("visit-9", Nurse, Day(61)), RuleViolation.FailedPrecondition),
        ["a review after discharge"] = new(Discharged, new ReviewScheduled("e-review", Day(61), Nurse, MondayDate.AddDays(90)), RuleViolation.FailedPrecondition),
        ["a network member before any referral"] = new(NewRecord(), Member("mem-daughter"), RuleViolation.FailedPrecondition),

        // Episodes.
        ["a second admission while on the team's caseload"] = new(Planned.Then(Referral("ref-2", at: Day(3))), Admission("ep-2", "ref-2", at: Day(3)), RuleViolation.FailedPrecondition),
        ["an admission while on another team's caseload"] = new(Planned.Then(Referral("ref-2", at: Day(3))), Admission("ep-2", "ref-2", "team-mile-end", Day(3)), RuleViolation.FailedPrecondition),
        ["an admission from a referral already admitted"] = new(Discharged, Admission("ep-2", at: Day(70)) with { EntryId = "e-readmit" }, RuleViolation.FailedPrecondition),
        ["an admission from an unknown referral"] = new(Referred, Admission(referralId: "ref-9"), RuleViolation.NotFound),
        ["a discharge when not on a caseload"] = new(Referred, Discharge(), RuleViolation.FailedPrecondition),
        ["a discharge of another episode"] = new(Planned, Discharge("ep-9"), RuleViolation.FailedPrecondition),
        ["a final rating for an unknown problem"] = new(Planned, Discharge(finalRatings: new ProblemRating("prob-9", new(3, 3, 3))), RuleViolation.NotFound),
        ["two final ratings for one problem"] = new(Planned, Discharge(finalRatings: [new("prob-skin", new(3, 3, 3)), new("prob-skin", new(4, 4, 4))]), RuleViolation.InvalidArgument),
        ["a final rating out of scale"] = new(Planned, Discharge(finalRatings: new ProblemRating("prob-skin", new(3, 0, 3))), RuleViolation.InvalidArgument),
        ["an unspecified discharge reason"] = new(Planned, Discharge() with { Reason = 0 }, RuleViolation.InvalidArgument),

        // Referrals.
        ["a referral with another NHS number"] = new(Referred, Referral("ref-2") with { NhsNumber = NhsNumber.Parse("9990000026") }, RuleViolation.FailedPrecondition),
        ["a referral without an NHS number"] = new(NewRecord(), Referral() with { NhsNumber = null }, RuleViolation.InvalidArgument),
        ["a referral with a birth date in the future"] = new(NewRecord(), Referral(details: Details with { DateOfBirth = MondayDate.AddDays(1) }), RuleViolation.InvalidArgument),
        ["a referral without a family name"] = new(NewRecord(), Referral(details: Details with { FamilyName = " " }), RuleViolation.InvalidArgument),

        // Problems.
        ["a problem already active"] = new(Planned, Problem("prob-skin-2", OmahaProblem.Skin), RuleViolation.FailedPrecondition),
        ["a problem id used before"] = new(Resolved, Problem("prob-skin", OmahaProblem.Pain) with { EntryId = "e-again" }, RuleViolation.AlreadyExists),
        ["an unspecified Omaha problem"] = new(Planned, Problem("prob-x", 0), RuleViolation.InvalidArgument),
        ["an Omaha problem beyond 42"] = new(Planned, Problem("prob-x", (OmahaProblem)43), RuleViolation.InvalidArgument),
        ["an actual problem without signs"] = new(Planned, Problem("prob-pain", OmahaProblem.Pain, ProblemSeverity.Actual), RuleViolation.InvalidArgument),
        ["an actual problem with 21 signs"] = new(Planned, Problem("prob-pain", OmahaProblem.Pain, ProblemSeverity.Actual, [.. Enumerable.Range(1, 21).Select(i => $"sign {i}")]), RuleViolation.InvalidArgument),
        ["a sign longer than 200 characters"] = new(Planned, Problem("prob-pain", OmahaProblem.Pain, ProblemSeverity.Actual, NamedSign), RuleViolation.InvalidArgument),
        ["signs on a potential problem"] = new(Planned, Problem("prob-pain", OmahaProblem.Pain, ProblemSeverity.Potential, "Winces"), RuleViolation.InvalidArgument),
        ["resolving an unknown problem"] = new(Planned, new ProblemResolved("e-resolve", Day(5), Nurse, "prob-9"), RuleViolation.NotFound),

        // Ratings.
        ["a knowledge rating of 0"] = new(Planned, Rating("prob-skin", new(0, 3, 3), Day(7)), RuleViolation.InvalidArgument),
        ["a status rating of 6"] = new(Planned, Rating("prob-skin", new(3, 3, 6), Day(7)), RuleViolation.InvalidArgument),
        ["a rating for an unknown problem"] = new(Planned, Rating("prob-9", new(3, 3, 3), Day(7)), RuleViolation.NotFound),
        ["a rating for a resolved problem"] = new(Resolved, Rating("prob-skin", new(3, 3, 3), Day(7)), RuleViolation.NotFound),

        // Goals.
        ["a goal longer than 1000 characters"] = new(Planned, Goal("goal-2", "prob-skin", LongText), RuleViolation.InvalidArgument),
        ["a goal without who agreed it"] = new(Planned, Goal("goal-2", "prob-skin") with { AgreedByName = "" }, RuleViolation.InvalidArgument),
        ["a goal for an unknown problem"] = new(Planned, Goal("goal-2", "prob-9"), RuleViolation.NotFound),

        // Interventions, reviews, reablement.
        ["an intervention of 4 minutes"] = new(Planned, Intervention("int-2", "prob-skin", minutes: 4), RuleViolation.InvalidArgument),
        ["an intervention of 241 minutes"] = new(Planned, Intervention("int-2", "prob-skin", minutes: 241), RuleViolation.InvalidArgument),
        ["an intervention without a target"] = new(Planned, Intervention("int-2", "prob-skin", target: "  "), RuleViolation.InvalidArgument),
        ["an intervention 7 times a day"] = new(Planned, Intervention("int-2", "prob-skin", frequency: new(7, FrequencyPeriod.Day)), RuleViolation.InvalidArgument),
        ["an intervention 15 times a week"] = new(Planned, Intervention("int-2", "prob-skin", frequency: new(15, FrequencyPeriod.Week)), RuleViolation.InvalidArgument),
        ["an intervention of unspecified care type"] = new(Planned, Intervention("int-2", "prob-skin", careType: 0), RuleViolation.InvalidArgument),
        ["an intervention for an unknown problem"] = new(Planned, Intervention("int-2", "prob-9"), RuleViolation.NotFound),
        ["stopping an unknown intervention"] = new(Planned, new InterventionStopped("e-stop", Day(5), Nurse, "int-9"), RuleViolation.NotFound),
        ["a review due before today"] = new(Planned, new ReviewScheduled("e-review", Day(1), Nurse, MondayDate), RuleViolation.InvalidArgument),
        ["renewing reablement without a reablement period"] = new(Planned, new ReablementRenewed("e-renew", Day(5), Nurse), RuleViolation.FailedPrecondition),

        // Visits.
        ["a visit of 0 minutes"] = new(Planned, Visit("visit-9", Nurse, Day(1), minutes: 0, directMinutes: 0), RuleViolation.InvalidArgument),
        ["a visit of 721 minutes"] = new(Planned, Visit("visit-9", Nurse, Day(1), minutes: 721), RuleViolation.InvalidArgument),
        ["more direct care than the visit lasted"] = new(Planned, Visit("visit-9", Nurse, Day(1), minutes: 30, directMinutes: 31), RuleViolation.InvalidArgument),
        ["negative direct care"] = new(Planned, Visit("visit-9", Nurse, Day(1), directMinutes: -1), RuleViolation.InvalidArgument),
        ["a visit starting 6 minutes from now"] = new(Planned, Visit("visit-9", Nurse, Day(1).AddMinutes(6)), RuleViolation.InvalidArgument, Day(1)),
        ["a visit note longer than the note limit"] = new(Planned, Visit("visit-9", Nurse, Day(1), note: LongText), RuleViolation.InvalidArgument),
        ["a visit doing an unknown intervention"] = new(Planned, Visit("visit-9", Nurse, Day(1), interventionsDone: "int-9"), RuleViolation.NotFound),
        ["a visit doing a stopped intervention"] = new(Stopped, Visit("visit-9", Nurse, Day(6), interventionsDone: "int-dressing"), RuleViolation.NotFound),
        ["a visit id used before"] = new(Planned.Then(Visit("visit-9", Nurse, Day(1))), Visit("visit-9", Nurse, Day(2)) with { EntryId = "e-again" }, RuleViolation.AlreadyExists),

        // Notes and the network.
        ["an empty note"] = new(Planned, Note("note-9", " "), RuleViolation.InvalidArgument),
        ["a note longer than the note limit"] = new(Planned, Note("note-9", LongText), RuleViolation.InvalidArgument),
        ["a network member without a name"] = new(Planned, Member("mem-9", name: ""), RuleViolation.InvalidArgument),
        ["removing someone not in the network"] = new(Planned, new NetworkMemberRemoved("e-remove", Day(1), Nurse, "mem-9"), RuleViolation.NotFound),
    };

    public static TheoryData<string> Refusals => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_refused_entry_gets_the_right_kind_of_error_and_leaves_the_record_as_it_was(string scenario)
    {
        var (record, entry, violation, now) = Scenarios[scenario];
        var before = record.ToJson();

        var error = Assert.Throws<CareRuleException>(() => record.Apply(CareRecordRules.Check(record, entry, now ?? entry.At, DateOf(now ?? entry.At))));

        Assert.Equal(violation, error.Violation);
        Assert.Equal(before, record.ToJson());
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void An_error_message_never_repeats_patient_data(string scenario)
    {
        var (record, entry, _, now) = Scenarios[scenario];

        var error = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, entry, now ?? entry.At, DateOf(now ?? entry.At)));

        AssertNoPatientData(error.Message);
    }

    [Fact]
    public void Care_before_admission_is_refused_with_a_message_that_says_what_to_do()
    {
        var error = Assert.Throws<CareRuleException>(() => Referred.Then(Visit("visit-1", Nurse, Day(1))));

        Assert.Equal("The client is not on a caseload: admit the client before recording care.", error.Message);
    }

    [Fact]
    public void A_discharge_when_not_on_a_caseload_says_so()
    {
        var error = Assert.Throws<CareRuleException>(() => Referred.Then(Discharge()));

        Assert.Equal("The client is not on a caseload.", error.Message);
        Assert.Equal("NOT_ON_CASELOAD", error.Reason);
    }

    [Fact]
    public void An_admission_while_on_another_team_caseload_gives_the_reason_the_team_declines_with()
    {
        var (record, entry, _, _) = Scenarios["an admission while on another team's caseload"];

        var error = Assert.Throws<CareRuleException>(() => CareRecordRules.Check(record, entry, Day(3), DateOf(Day(3))));

        Assert.Equal("ON_ANOTHER_CASELOAD", error.Reason);
    }

    [Fact]
    public void Correction_refusals_never_repeat_patient_data()
    {
        var record = Planned.Then(Note("note-1"));
        Correction[] refused =
        [
            Correcting("e-note-1", Visit("visit-1", Nurse, Day(1), note: SecretNote)),
            Correcting("e-note-1", Note("note-2", SecretNote)),
            Correcting("e-note-1", Note("note-1", LongText)),
            Correcting($"{GivenName}-{FamilyName}".ToLowerInvariant(), null),
            Correcting("e-prob-skin", null),
        ];

        foreach (var correction in refused)
            AssertNoPatientData(Assert.Throws<CareRuleException>(() => record.Then(correction)).Message);
    }

    internal static void AssertNoPatientData(string text)
    {
        string[] patientData = [GivenName, FamilyName, Address, NhsDigits, Nhs.Formatted, "Keysafe", "Mavis"];
        foreach (var item in patientData) Assert.DoesNotContain(item, text, StringComparison.OrdinalIgnoreCase);
    }
}
