using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Fhir.Tests;

/// <summary>
/// A client's whole stay, written as the team would write it (domain entries, no cluster): a referral, an admission,
/// a network, a care plan of three Omaha problems with goals, interventions and ratings, 200 visits with notes, a
/// corrected visit, a struck visit, a corrected note, a corrected rating, a struck goal, a resolved problem and a
/// discharge with final ratings; then a second admission by the same team, still open.
/// </summary>
internal sealed class FullRecord
{
    public const string ClientId = "c-0123456789abcdef";
    public const string TeamId = "t-bow-east";
    public const string Named = "n-alice";
    public const string Backup = "n-bea";
    public const string FirstEpisode = "ep-first";
    public const string SecondEpisode = "ep-second";
    public const string Skin = "prob-skin";
    public const string Pain = "prob-pain";
    public const string Medication = "prob-meds";
    public const string CorrectedVisit = "visit-0010";
    public const string StruckVisit = "visit-0020";
    public const string CorrectedNote = "note-0003";
    public const string StruckGoal = "goal-struck";
    public const string CorrectedRating = "rate-skin-2";
    public const int VisitsWritten = 200;

    public static readonly NhsNumber Nhs = NhsNumber.ForTesting(7);
    public static readonly DateTimeOffset Admitted = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly List<RecordEntry> entries = [];
    private int seq;

    public FullRecord()
    {
        var details = new Demographics("Edith", "Testcase", new DateOnly(1938, 4, 12), "12 Roman Road", Postcode.Parse("E3 2AB"), "020 7946 0001");
        Add(new ReferralReceived(Id("e"), Admitted.AddDays(-2), "system", "ref-1", TeamId, ReferralSource.GeneralPractitioner, details,
            [Skill.WoundCare], Nhs));
        Add(new EpisodeOpened(Id("e"), Admitted, "system", FirstEpisode, TeamId, "ref-1", ReferralSource.GeneralPractitioner, [Skill.WoundCare]));
        Add(new NetworkMemberAdded(Id("e"), Admitted, Named, "net-daughter", NetworkRole.Family, "Jane Testcase", "07700 900001",
            ContactPreference.Phone, "Visits on Sundays"));
        Add(new NetworkMemberAdded(Id("e"), Admitted, Named, "net-neighbour", NetworkRole.Neighbour, "Sam Next-Door", null,
            ContactPreference.InPerson, null));
        Add(new NetworkMemberAdded(Id("e"), Admitted, Named, "net-gp", NetworkRole.GeneralPractitioner, "Dr Bow", "gp@example.org",
            ContactPreference.Email, null));
        Add(new NetworkMemberAdded(Id("e"), Admitted, Named, "net-pharmacy", NetworkRole.Pharmacy, "Roman Road Pharmacy", "020 7946 0002",
            ContactPreference.Phone, null));
        Add(new NetworkMemberAdded(Id("e"), Admitted, Named, "net-gone", NetworkRole.Friend, "Old Friend", null, ContactPreference.Post, null));
        Add(new NetworkMemberRemoved(Id("e"), Admitted.AddDays(1), Named, "net-gone"));

        Add(new ProblemAdded(Skin, Admitted.AddMinutes(30), Named, Skin, OmahaProblem.Skin, ProblemScope.Individual, ProblemSeverity.Actual,
            ["lesion", "drainage"]));
        Add(new ProblemAdded(Pain, Admitted.AddMinutes(31), Named, Pain, OmahaProblem.Pain, ProblemScope.Individual, ProblemSeverity.Actual,
            ["expresses discomfort/pain"]));
        Add(new ProblemAdded(Medication, Admitted.AddMinutes(32), Named, Medication, OmahaProblem.MedicationRegimen, ProblemScope.Individual,
            ProblemSeverity.Potential, []));
        Add(new RatingRecorded("rate-skin-1", Admitted.AddMinutes(40), Named, Skin, new(2, 2, 1), DateOnly.FromDateTime(Admitted.Date), Named));
        Add(new RatingRecorded("rate-pain-1", Admitted.AddMinutes(41), Named, Pain, new(3, 3, 2), DateOnly.FromDateTime(Admitted.Date), Named));
        Add(new GoalAgreed("goal-skin", Admitted.AddMinutes(45), Named, "goal-skin", Skin, "Leg ulcer healed by March", AgreedBy.Client,
            "Edith Testcase", DateOnly.FromDateTime(Admitted.Date)));
        Add(new GoalAgreed("goal-meds", Admitted.AddMinutes(46), Named, "goal-meds", Medication, "Takes her tablets from the dosette box",
            AgreedBy.Representative, "Jane Testcase", DateOnly.FromDateTime(Admitted.Date)));
        Add(new GoalAgreed(StruckGoal, Admitted.AddMinutes(47), Named, StruckGoal, Pain, "Entered for the wrong client", AgreedBy.Client,
            "Edith Testcase", DateOnly.FromDateTime(Admitted.Date)));
        Add(new InterventionAdded("int-wound", Admitted.AddMinutes(50), Named, "int-wound", Skin, InterventionCategory.TreatmentsProcedures,
            "dressing change/wound care", "Compression bandage, left leg", CareType.Nursing, new(1, FrequencyPeriod.Day), TimeWindow.Morning, 30,
            [Skill.WoundCare]));
        Add(new InterventionAdded("int-pain", Admitted.AddMinutes(51), Named, "int-pain", Pain, InterventionCategory.Surveillance,
            "signs/symptoms-physical", null, CareType.Nursing, new(3, FrequencyPeriod.Week), TimeWindow.Any, 10, []));
        Add(new InterventionAdded("int-meds", Admitted.AddMinutes(52), Named, "int-meds", Medication, InterventionCategory.TeachingGuidanceCounseling,
            "medication administration", null, CareType.PersonalCare, new(2, FrequencyPeriod.Week), TimeWindow.Evening, 15, []));

        for (var i = 1; i <= VisitsWritten; i++)
        {
            var start = Admitted.AddDays(1 + i / 2).AddHours(i % 2 == 0 ? 0 : 8);
            var nurse = i % 5 == 0 ? Backup : Named;
            var done = i % 3 == 0 ? ImmutableList.Create("int-wound", "int-pain") : ImmutableList.Create("int-wound");
            var note = i % 10 == 0 ? $"Visit {i}: dressing changed, healing." : null;
            Add(new VisitRecorded(VisitId(i), start.AddMinutes(40), nurse, VisitId(i), nurse, start, 40, 30, done, note, i == 77));
            if (i % 40 == 0) Add(new NoteAdded($"note-{i / 40:0000}", start.AddMinutes(50), nurse, $"note-{i / 40:0000}", $"Weekly note {i / 40}."));
            if (i == 60) Add(new RatingRecorded(CorrectedRating, start.AddMinutes(45), Named, Skin, new(3, 3, 2), DateOnly.FromDateTime(start.Date), Named));
            if (i == 90) Add(new InterventionStopped(Id("e"), start.AddMinutes(45), Named, "int-pain"));
            if (i == 100) Add(new ProblemResolved(Id("e"), start.AddMinutes(46), Named, Pain));
        }

        var visit = (VisitRecorded)entries.Single(e => e.EntryId == CorrectedVisit);
        Add(new Correction(Id("cor"), Admitted.AddDays(60), Named, CorrectedVisit, "Wrong duration",
            visit with { DurationMinutes = 55, DirectCareMinutes = 45, Note = "Corrected: longer visit, bandage re-applied." }));
        Add(new Correction(Id("cor"), Admitted.AddDays(60), Named, StruckVisit, "Recorded for the wrong client", null));
        var note3 = (NoteAdded)entries.Single(e => e.EntryId == CorrectedNote);
        Add(new Correction(Id("cor"), Admitted.AddDays(61), Named, CorrectedNote, "Typo", note3 with { Text = "Weekly note 3, corrected." }));
        var rating = (RatingRecorded)entries.Single(e => e.EntryId == CorrectedRating);
        Add(new Correction(Id("cor"), Admitted.AddDays(61), Named, CorrectedRating, "Status misread", rating with { Rating = new(3, 4, 3) }));
        Add(new Correction(Id("cor"), Admitted.AddDays(61), Named, StruckGoal, "Wrong client", null));

        Discharged = Admitted.AddDays(110);
        Add(new EpisodeClosed(Id("e"), Discharged, Named, FirstEpisode, DischargeReason.GoalsMet, "Ulcer healed; discharged to GP care.",
            [new ProblemRating(Skin, new(4, 4, 5)), new ProblemRating(Medication, new(4, 5, 5))]));

        // Back a month later: a second episode, open, with its own care plan.
        Readmitted = Discharged.AddDays(30);
        Add(new ReferralReceived(Id("e"), Readmitted.AddDays(-1), "system", "ref-2", TeamId, ReferralSource.HospitalDischarge, details,
            [Skill.WoundCare], Nhs));
        Add(new EpisodeOpened(Id("e"), Readmitted, "system", SecondEpisode, TeamId, "ref-2", ReferralSource.HospitalDischarge, [Skill.WoundCare]));
        Add(new ProblemAdded("prob-skin-2", Readmitted.AddMinutes(30), Named, "prob-skin-2", OmahaProblem.Skin, ProblemScope.Individual,
            ProblemSeverity.Actual, ["lesion"]));
        Add(new RatingRecorded("rate-skin2-1", Readmitted.AddMinutes(35), Named, "prob-skin-2", new(3, 3, 2), DateOnly.FromDateTime(Readmitted.Date), Named));
        Add(new VisitRecorded("visit-again", Readmitted.AddDays(1).AddMinutes(40), Named, "visit-again", Named, Readmitted.AddDays(1), 30, 25,
            [], null, false));
    }

    public DateTimeOffset Discharged { get; }

    public DateTimeOffset Readmitted { get; }

    public static string VisitId(int i) => $"visit-{i:0000}";

    public IReadOnlyList<RecordEntry> Entries => entries;

    public CareRecord Record() => CareRecord.Replay(ClientId, entries);

    public FhirRecordSource Source(IEnumerable<RecordEntry>? extra = null) => new(
        CareRecord.Replay(ClientId, entries.Concat(extra ?? [])),
        new Dictionary<string, FhirTeam> { [TeamId] = new(TeamId, "Bow East") },
        new Dictionary<string, FhirPractitioner>
        {
            [Named] = new(Named, "Alice Nurse", "12A3456B"),
            [Backup] = new(Backup, "Bea Nurse", "98C7654D"),
        })
    {
        Assignment = new FhirAssignment(Named, Backup),
    };

    private void Add(RecordEntry entry) => entries.Add(entry);

    private string Id(string prefix) => $"{prefix}-{++seq:00000}";
}
