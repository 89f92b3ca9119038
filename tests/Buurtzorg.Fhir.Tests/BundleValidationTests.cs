using Hl7.Fhir.Model;

namespace Buurtzorg.Fhir.Tests;

/// <summary>
/// A whole stay — full care plan, 200 visits, corrections, network, notes, ratings and a discharge — exports as a
/// bundle that Firely's validator finds no error in against base R4, resource by resource and as a whole.
/// </summary>
public sealed class BundleValidationTests
{
    private static readonly Lazy<Bundle> Exported = new(() => FhirExport.Everything(new FullRecord().Source()));

    [Fact]
    public void The_bundle_of_a_full_record_validates_against_R4_with_no_errors()
    {
        var errors = R4Validator.Errors(Exported.Value);

        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }

    [Fact]
    public void Every_kind_of_resource_in_the_bundle_validates_on_its_own()
    {
        // One of each kind, and every resource of the smaller kinds: 200 visits add nothing a validator has not seen.
        var resources = Exported.Value.Entry.Select(e => e.Resource).GroupBy(r => r.TypeName)
            .SelectMany(g => g.Count() > 10 ? g.Take(3) : g).ToList();
        Assert.Equal(
            ["CarePlan", "CareTeam", "Condition", "DocumentReference", "Encounter", "EpisodeOfCare", "Goal", "Observation", "Organization",
             "Patient", "Practitioner", "RelatedPerson"],
            resources.Select(r => r.TypeName).Distinct().Order(StringComparer.Ordinal));

        var errors = resources.SelectMany(r => R4Validator.Errors(r).Select(e => $"{r.TypeName}/{r.Id} {e}")).ToList();

        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }

    [Fact]
    public void The_validator_finds_an_error_when_there_is_one()
    {
        // The check can fail: an encounter without its required status and class.
        var broken = new Encounter { Id = "visit-broken", Subject = new ResourceReference("Patient/c-1") };

        Assert.NotEmpty(R4Validator.Errors(broken));
    }
}
