using Buurtzorg.Domain.Records;
using Hl7.Fhir.Model;

namespace Buurtzorg.Fhir;

/// <summary>
/// A client's record as FHIR R4 resources, shaped as UK Core expects (the NHS number with its system). Resource ids
/// are the record's own opaque ids, so a resource exported twice has the same id.
/// </summary>
public static class FhirExport
{
    /// <summary>The identifier system of an NHS number (UK Core).</summary>
    public const string NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

    /// <summary>The client as a <see cref="Hl7.Fhir.Model.Patient"/>, with the id of the record.</summary>
    public static Patient Patient(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var patient = new Patient { Id = record.ClientId };
        if (record.NhsNumber is { } nhs) patient.Identifier.Add(new Identifier(NhsNumberSystem, nhs.Digits));
        if (record.Demographics is { } details)
        {
            patient.Name.Add(new HumanName { Use = HumanName.NameUse.Official, Family = details.FamilyName, Given = [details.GivenName] });
            patient.BirthDate = details.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            patient.Address.Add(new Address { Use = Address.AddressUse.Home, Line = [details.AddressLine], PostalCode = details.Postcode.Value });
        }
        return patient;
    }

    /// <summary>Every visit in the record's history as an <see cref="Encounter"/>, oldest first, corrections applied.</summary>
    public static IReadOnlyList<Encounter> Encounters(FhirRecordSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var record = source.Record;
        var encounters = new List<Encounter>();
        foreach (var visit in record.History.OfType<VisitRecorded>())
        {
            var current = record.CorrectionOf(visit.EntryId) is { } correction ? correction.Replacement as VisitRecorded : visit;
            if (current is null) continue; // struck out
            encounters.Add(new Encounter
            {
                Id = current.VisitId,
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "HH", "home health"),
                Subject = new ResourceReference($"Patient/{record.ClientId}"),
                Period = new Period(new FhirDateTime(current.Start), new FhirDateTime(current.Start.AddMinutes(current.DurationMinutes))),
            });
        }
        return encounters;
    }

    /// <summary>The whole record as one <see cref="Bundle"/> of type collection.</summary>
    public static Bundle Everything(FhirRecordSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = DateTimeOffset.UtcNow };
        bundle.Entry.Add(Entry(Patient(source.Record)));
        foreach (var encounter in Encounters(source)) bundle.Entry.Add(Entry(encounter));
        return bundle;
    }

    private static Bundle.EntryComponent Entry(Resource resource) =>
        new() { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = resource };
}
