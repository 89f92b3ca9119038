using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Buurtzorg.Fhir.Tests;

/// <summary>
/// Firely's validator against the base R4 specification, offline: the structure definitions, value sets and code
/// systems come from the specification package (Hl7.Fhir.Specification.Data.R4's specification.zip, copied beside
/// the tests), codes are checked by a local terminology service over them, and no reference is fetched. One instance
/// for all tests: it compiles each structure definition once.
/// </summary>
public static class R4Validator
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    /// <summary>The issues found, errors and fatal ones only, as "location: message".</summary>
    public static IReadOnlyList<string> Errors(Resource resource)
    {
        var outcome = Instance.Value.Validate(resource);
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Location)}: {i.Details?.Text ?? i.Diagnostics}")];
    }
}
