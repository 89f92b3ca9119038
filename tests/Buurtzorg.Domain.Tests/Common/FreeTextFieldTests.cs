using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Domain.Tests.Records.RecordStory;
using Nights = Buurtzorg.Domain.Tests.Planning.PlanningStory;
using NurseProfile = Buurtzorg.Domain.Nurses.Nurse;
using TeamProfile = Buurtzorg.Domain.Teams.Team;

namespace Buurtzorg.Domain.Tests.Common;

/// <summary>
/// Every free-text field the domain's rules take goes through <see cref="Text"/>: whichever way a value arrives (the
/// gRPC API, another grain, a replayed command), a control character is refused there. Multi-line fields are the
/// notes and summaries: note, visit note, network note, discharge summary, intervention detail and call note.
/// </summary>
public sealed class FreeTextFieldTests
{
    private static readonly DateTimeOffset TeamDay = Teams.TeamFactory.Monday;

    private static readonly DateOnly LeaveStarts = DateOnly.FromDateTime(TeamDay.UtcDateTime).AddDays(7);

    /// <summary>Each field: whether it is multi-line, and what the domain stores when given the text.</summary>
    private static readonly Dictionary<string, (bool Multiline, Func<string, string?> Store)> Fields = new()
    {
        ["Given name"] = (false, v => Referred(Details with { GivenName = v }).GivenName),
        ["Family name"] = (false, v => Referred(Details with { FamilyName = v }).FamilyName),
        ["Address"] = (false, v => Referred(Details with { AddressLine = v }).AddressLine),
        ["Phone"] = (false, v => Referred(Details with { Phone = v }).Phone),
        ["Network member name"] = (false, v => Admitted().Then(Member("mem-1", name: v)).Network.Single().Name),
        ["Network member contact"] = (false, v =>
            Admitted().Then(Member("mem-1") with { Contact = v }).Network.Single().Contact),
        ["Network note"] = (true, v => Admitted().Then(Member("mem-1") with { Note = v }).Network.Single().Note),
        ["Note"] = (true, v => Admitted().Then(Note("note-1", v)).Notes.Single().Text),
        ["Visit note"] = (true, v => WithCarePlan().Then(Visit("visit-1", Nurse, Day(1), note: v)).Visits.Single().Note),
        ["Goal description"] = (false, v => WithCarePlan().Then(Goal("goal-2", "prob-skin", v)).Goals[^1].Description),
        ["Who agreed the goal"] = (false, v =>
            WithCarePlan().Then(Goal("goal-2", "prob-skin") with { AgreedByName = v }).Goals[^1].AgreedByName),
        ["Intervention target"] = (false, v =>
            WithCarePlan().Then(Intervention("int-2", "prob-skin", target: v)).Interventions[^1].Target),
        ["Intervention detail"] = (true, v =>
            WithCarePlan().Then(Intervention("int-2", "prob-skin") with { Detail = v }).Interventions[^1].Detail),
        ["Sign or symptom"] = (false, v =>
            Admitted().Then(Problem("prob-1", OmahaProblem.Skin, ProblemSeverity.Actual, v)).Problems.Single().Signs.Single()),
        ["Discharge summary"] = (true, v =>
            WithCarePlan().Then(Discharge() with { Summary = v }).PastEpisodes.Single().Summary),
        ["Correction reason"] = (false, v =>
            Admitted().Then(Note("note-1")).Then(Correcting("e-note-1", null) with { Reason = v })
                .CorrectionOf("e-note-1")!.Reason),
        ["Team name"] = (false, v => TeamProfile.Apply("team-x", v, [PostcodeArea.Parse("E3 2")], [], null, TeamDay).Name),
        ["GP practice"] = (false, v =>
            TeamProfile.Apply("team-x", "Bow", [PostcodeArea.Parse("E3 2")], [v], null, TeamDay).GpPractices.Single()),
        ["Nurse display name"] = (false, v =>
            NurseProfile.Register("nurse-x", v, NurseRole.RegisteredNurse, "12A3456B", 37.5m, [], Monday).DisplayName),
        ["Leave reason"] = (false, v => Teams.TeamFactory.Active(Teams.TeamFactory.Member("n01"))
            .StartLeave("n01", new LeavePeriod(LeaveStarts, LeaveStarts.AddDays(3), v), TeamDay)
            .Team.Members.Single().Leave.Single().Reason),
        ["Call note"] = (true, v => OnCall.OnCallStory.Book()
            .LogCall(OnCall.OnCallStory.Team(), "call-1", Nights.At(Nights.Monday, 22), "c1", "anna", TriageOutcome.AdviceGiven,
                v, now: Nights.At(Nights.Monday, 22))
            .Calls.Single().Note),
    };

    private static Demographics Referred(Demographics details) => NewRecord().Then(Referral(details: details)).Demographics!;

    public static TheoryData<string> FieldNames => [.. Fields.Keys];

    private static CareRuleException Refused(Func<object?> store) => Assert.Throws<CareRuleException>(store);

    [Fact]
    public void Each_field_stores_plain_text_as_given() =>
        Assert.All(Fields, f => Assert.Equal("Ulcer care, René", f.Value.Store("Ulcer care, René")));

    [Theory]
    [MemberData(nameof(FieldNames))]
    public void A_NUL_byte_or_an_escape_sequence_is_refused_in_every_free_text_field(string field)
    {
        var store = Fields[field].Store;
        foreach (var bad in new[] { $"{SecretNote}\0", $"{SecretNote}\u001b[2J", $"{SecretNote}\u202e" })
        {
            var error = Assert.Throws<CareRuleException>(() => store(bad));
            Assert.Equal(RuleViolation.InvalidArgument, error.Violation);
            Assert.DoesNotContain(SecretNote, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(FieldNames))]
    public void A_line_break_is_kept_in_notes_and_summaries_and_refused_in_single_line_fields(string field)
    {
        var (multiline, store) = Fields[field];
        var twoLines = "First line\r\nsecond line";

        if (multiline)
            Assert.Equal("First line\nsecond line", store(twoLines));
        else
            Assert.Contains("single line", Refused(() => store(twoLines)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(FieldNames))]
    public void Every_field_stores_its_text_composed(string field) =>
        Assert.Equal("Ren\u00e9e", Fields[field].Store("Rene\u0301e"));
}
