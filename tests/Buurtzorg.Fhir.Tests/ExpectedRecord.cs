using System.Globalization;
using Buurtzorg.Domain.Records;
using Hl7.Fhir.Model;
using Goal = Hl7.Fhir.Model.Goal;

namespace Buurtzorg.Fhir.Tests;

/// <summary>
/// What a bundle must say, worked out from the record's history independently of the export (each entry in its latest
/// correction, struck ones left out), and the check that a parsed bundle says exactly that: every visit, rating, goal
/// and network member there and equal, nothing more.
/// </summary>
internal static class ExpectedRecord
{
    public sealed record VisitFacts(string Id, DateTimeOffset Start, DateTimeOffset End, int DirectCare, string Nurse, bool OutOfHours);

    public sealed record RatingFacts(string ProblemId, int Knowledge, int Behaviour, int Status);

    public sealed record GoalFacts(string Id, string ProblemId, string Description, string AgreedOn);

    public sealed record MemberFacts(string Id, string Name, NetworkRole Role, string? Contact);

    /// <summary>The entries of the history as the record reads them now (latest correction in place, struck ones out).</summary>
    public static IEnumerable<RecordEntry> CurrentEntries(CareRecord record) => record.History
        .Where(e => e is not Correction)
        .Select(e => record.CorrectionOf(e.EntryId) is { } c ? c.Replacement : e)
        .OfType<RecordEntry>();

    public static List<VisitFacts> Visits(CareRecord record) => [.. CurrentEntries(record).OfType<VisitRecorded>()
        .Select(v => new VisitFacts(v.VisitId, v.Start, v.Start.AddMinutes(v.DurationMinutes), v.DirectCareMinutes, v.NurseId, v.OutOfHours))
        .OrderBy(v => v.Id, StringComparer.Ordinal)];

    public static List<RatingFacts> Ratings(CareRecord record) => [.. CurrentEntries(record)
        .SelectMany(e => e switch
        {
            RatingRecorded r => [new RatingFacts(r.ProblemId, r.Rating.Knowledge, r.Rating.Behaviour, r.Rating.Status)],
            EpisodeClosed c => c.FinalRatings.Select(f => new RatingFacts(f.ProblemId, f.Rating.Knowledge, f.Rating.Behaviour, f.Rating.Status)),
            _ => [],
        })
        .OrderBy(r => r.ToString(), StringComparer.Ordinal)];

    public static List<GoalFacts> Goals(CareRecord record) => [.. CurrentEntries(record).OfType<GoalAgreed>()
        .Select(g => new GoalFacts(g.GoalId, g.ProblemId, g.Description, g.AgreedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
        .OrderBy(g => g.Id, StringComparer.Ordinal)];

    public static List<MemberFacts> Network(CareRecord record) => [.. record.Network
        .Select(m => new MemberFacts(m.MemberId, m.Name, m.Role, m.Contact))
        .OrderBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>Where the parsed bundle differs from the record: empty when they agree.</summary>
    public static List<string> Differences(Bundle bundle, CareRecord record)
    {
        var resources = bundle.Entry.Select(e => e.Resource).ToList();
        var differences = new List<string>();
        Compare("visits", Visits(record), [.. resources.OfType<Encounter>().Select(VisitOf).OrderBy(v => v.Id, StringComparer.Ordinal)], differences);
        Compare("ratings", Ratings(record), [.. resources.OfType<Observation>().Select(RatingOf).OrderBy(r => r.ToString(), StringComparer.Ordinal)], differences);
        Compare("goals", Goals(record), [.. resources.OfType<Goal>().Select(GoalOf).OrderBy(g => g.Id, StringComparer.Ordinal)], differences);
        var members = resources.Where(r => r is RelatedPerson || (r is Practitioner or Organization && FhirCodes.NetworkRoleOf(RoleOf(r)) is not null))
            .Select(MemberOf).OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        Compare("network", Network(record), members, differences);
        return differences;
    }

    private static void Compare<T>(string what, List<T> expected, List<T> actual, List<string> differences)
    {
        foreach (var missing in expected.Except(actual)) differences.Add($"{what}: missing {missing}");
        foreach (var extra in actual.Except(expected)) differences.Add($"{what}: not in the record {extra}");
        if (expected.Count != actual.Count) differences.Add($"{what}: {actual.Count} exported, {expected.Count} in the record");
    }

    private static VisitFacts VisitOf(Encounter e) => new(e.Id,
        e.Period.StartElement.ToDateTimeOffset(TimeSpan.Zero), e.Period.EndElement.ToDateTimeOffset(TimeSpan.Zero),
        (int)e.Length.Value!.Value, e.Participant.Single().Individual.Reference["Practitioner/".Length..],
        e.Type.Single().Text == "Out-of-hours visit");

    private static RatingFacts RatingOf(Observation o)
    {
        int Scale(string code) => ((Integer)o.Component.Single(c => c.Code.Coding.Single().Code == code).Value).Value!.Value;
        return new(o.Focus.Single().Reference["Condition/".Length..], Scale(FhirCodes.Knowledge), Scale(FhirCodes.Behaviour), Scale(FhirCodes.Status));
    }

    private static GoalFacts GoalOf(Goal g) =>
        new(g.Id, g.Addresses.Single().Reference["Condition/".Length..], g.Description.Text, ((Date)g.Start).Value);

    private static CodeableConcept? RoleOf(Resource r) => r switch
    {
        RelatedPerson p => p.Relationship.FirstOrDefault(),
        Organization o => o.Type.FirstOrDefault(),
        Practitioner p => p.Qualification.FirstOrDefault()?.Code,
        _ => null,
    };

    private static MemberFacts MemberOf(Resource r) => r switch
    {
        RelatedPerson p => new(p.Id, p.Name.Single().Text, FhirCodes.NetworkRoleOf(RoleOf(p))!.Value, p.Telecom.SingleOrDefault()?.Value),
        Organization o => new(o.Id, o.Name, FhirCodes.NetworkRoleOf(RoleOf(o))!.Value, o.Telecom.SingleOrDefault()?.Value),
        Practitioner p => new(p.Id, p.Name.Single().Text, FhirCodes.NetworkRoleOf(RoleOf(p))!.Value, p.Telecom.SingleOrDefault()?.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };
}
