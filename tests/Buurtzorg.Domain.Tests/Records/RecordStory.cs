using System.Collections.Immutable;
using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Tests.Records;

/// <summary>
/// One test client and the entries a team makes about her. Her name, NHS number (from the range reserved for tests),
/// address and note text are what no error message may ever repeat.
/// </summary>
internal static class RecordStory
{
    public const string ClientId = "client-1";
    public const string GivenName = "Winifred";
    public const string FamilyName = "Oakenshaw";
    public const string Address = "12 Bow Common Lane";
    public const string NhsDigits = "9990000018";
    public const string SecretNote = "Keysafe code 4711, daughter Mavis visits Sundays";
    public const string Team = "team-bow";
    public const string Nurse = "nurse-anna";
    public const string OtherNurse = "nurse-bea";

    public static readonly NhsNumber Nhs = NhsNumber.Parse(NhsDigits);

    /// <summary>Monday 3 March 2025, 09:00 UK time (GMT).</summary>
    public static readonly DateTimeOffset Monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static readonly DateOnly MondayDate = new(2025, 3, 3);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly Demographics Details =
        new(GivenName, FamilyName, new DateOnly(1938, 5, 14), Address, Postcode.Parse("E3 4AA"), "020 7946 0000");

    public static DateTimeOffset Day(int day, int hour = 9) => Monday.AddDays(day).AddHours(hour - 9);

    /// <summary>Checks an entry against the rules as of the time it was recorded, then applies it.</summary>
    public static CareRecord Then(this CareRecord record, RecordEntry entry) =>
        record.Apply(CareRecordRules.Check(record, entry, entry.At, DateOf(entry.At)));

    public static CareRecord ThenAll(this CareRecord record, params RecordEntry[] entries) =>
        entries.Aggregate(record, (r, e) => r.Then(e));

    public static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(at.DateTime);

    public static CareRecord NewRecord() => CareRecord.Create(ClientId);

    /// <summary>Referred and admitted on Monday: on the team's caseload, nothing on the care plan yet.</summary>
    public static CareRecord Admitted() => NewRecord().Then(Referral()).Then(Admission());

    /// <summary>Admitted with an actual skin problem (leg ulcer), rated, a goal and a nursing intervention.</summary>
    public static CareRecord WithCarePlan() => Admitted().ThenAll(
        Problem("prob-skin", OmahaProblem.Skin, ProblemSeverity.Actual, "Venous leg ulcer, left calf"),
        Rating("prob-skin", new(2, 2, 2), Monday),
        Goal("goal-heal", "prob-skin"),
        Intervention("int-dressing", "prob-skin"));

    public static ReferralReceived Referral(string referralId = "ref-1", Demographics? details = null, DateTimeOffset? at = null) =>
        new($"e-{referralId}", at ?? Monday, Team, referralId, Team, ReferralSource.GeneralPractitioner, details ?? Details,
            [Skill.WoundCare], Nhs);

    public static EpisodeOpened Admission(string episodeId = "ep-1", string referralId = "ref-1", string teamId = Team, DateTimeOffset? at = null) =>
        new($"e-{episodeId}", at ?? Monday, teamId, episodeId, teamId, referralId, ReferralSource.GeneralPractitioner, [Skill.WoundCare]);

    public static EpisodeClosed Discharge(string episodeId = "ep-1", DateTimeOffset? at = null, params ProblemRating[] finalRatings) =>
        new($"e-close-{episodeId}", at ?? Day(60), Nurse, episodeId, DischargeReason.GoalsMet, "Ulcer healed.", [.. finalRatings]);

    public static ProblemAdded Problem(string problemId, OmahaProblem problem, ProblemSeverity severity = ProblemSeverity.Potential, params string[] signs) =>
        new($"e-{problemId}", Monday, Nurse, problemId, problem, ProblemScope.Individual, severity, [.. signs]);

    public static RatingRecorded Rating(string problemId, OutcomeRating rating, DateTimeOffset at, string? entryId = null) =>
        new(entryId ?? $"e-rate-{problemId}-{at:yyyyMMdd}", at, Nurse, problemId, rating, DateOf(at), Nurse);

    public static GoalAgreed Goal(string goalId, string problemId, string description = "Ulcer healed within twelve weeks") =>
        new($"e-{goalId}", Monday, Nurse, goalId, problemId, description, AgreedBy.Client, $"{GivenName} {FamilyName}", MondayDate);

    public static InterventionAdded Intervention(
        string interventionId, string problemId, CareType careType = CareType.Nursing, DateTimeOffset? at = null,
        int minutes = 30, VisitFrequency? frequency = null, string target = "wound care") =>
        new($"e-{interventionId}", at ?? Monday, Nurse, interventionId, problemId, InterventionCategory.TreatmentsProcedures,
            target, "Compression bandage, change every other day", careType, frequency ?? new(3, FrequencyPeriod.Week),
            TimeWindow.Morning, minutes, [Skill.WoundCare]);

    public static VisitRecorded Visit(
        string visitId, string nurseId, DateTimeOffset start, int minutes = 40, int directMinutes = 30,
        bool outOfHours = false, string? note = null, params string[] interventionsDone) =>
        new($"e-{visitId}", start.AddMinutes(minutes), nurseId, visitId, nurseId, start, minutes, directMinutes,
            [.. interventionsDone], note, outOfHours);

    public static NoteAdded Note(string noteId, string text = SecretNote, DateTimeOffset? at = null) =>
        new($"e-{noteId}", at ?? Monday, Nurse, noteId, text);

    public static NetworkMemberAdded Member(string memberId, NetworkRole role = NetworkRole.Family, string name = "Mavis Oakenshaw") =>
        new($"e-{memberId}", Monday, Nurse, memberId, role, name, "07700 900123", ContactPreference.Phone, null);

    public static Correction Correcting(string entryId, RecordEntry? replacement, DateTimeOffset? at = null, string correctionId = "fix-1") =>
        new($"e-{correctionId}", at ?? Day(1), OtherNurse, entryId, "Wrong details entered", replacement);

    /// <summary>A record's full JSON: its current state and its history.</summary>
    public static string ToJson(this CareRecord record) => JsonSerializer.Serialize(record, Json);

    public static ImmutableList<T> List<T>(params T[] items) => [.. items];
}
