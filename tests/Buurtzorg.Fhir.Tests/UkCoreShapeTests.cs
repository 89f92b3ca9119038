using System.Text.RegularExpressions;
using Buurtzorg.Domain.Records;
using Hl7.Fhir.Model;

namespace Buurtzorg.Fhir.Tests;

/// <summary>
/// UK Core's constraints that matter here, checked by the project (base R4 validation does not know them): the NHS
/// number with its system and a valid modulus-11 check digit, the NMC PIN as a nurse's identifier, and the shapes of
/// the name and address.
/// </summary>
public sealed partial class UkCoreShapeTests
{
    private readonly FullRecord story = new();

    [Fact]
    public void The_patient_carries_the_NHS_number_with_its_system_and_a_valid_check_digit()
    {
        var patient = FhirExport.Patient(story.Record());

        var nhs = Assert.Single(patient.Identifier);
        Assert.Equal("https://fhir.nhs.uk/Id/nhs-number", nhs.System);
        Assert.Equal(FullRecord.Nhs.Digits, nhs.Value);
        Assert.True(IsValidNhsNumber(nhs.Value), "the exported NHS number fails its check digit");
        Assert.Equal(FullRecord.ClientId, patient.Id);
    }

    [Fact]
    public void The_NHS_number_check_rejects_a_wrong_check_digit()
    {
        var digits = FullRecord.Nhs.Digits;
        var wrong = digits[..9] + (char)('0' + ((digits[9] - '0' + 1) % 10));

        Assert.False(IsValidNhsNumber(wrong));
        Assert.False(IsValidNhsNumber("123456789"));
    }

    [Fact]
    public void The_patient_name_and_address_are_UK_Core_shaped()
    {
        var patient = FhirExport.Patient(story.Record());

        var name = Assert.Single(patient.Name);
        Assert.Equal(HumanName.NameUse.Official, name.Use);
        Assert.Equal("Testcase", name.Family);
        Assert.Equal(["Edith"], name.Given);
        Assert.Equal("1938-04-12", patient.BirthDate);
        var address = Assert.Single(patient.Address);
        Assert.Equal(Address.AddressUse.Home, address.Use);
        Assert.Equal(["12 Roman Road"], address.Line);
        Assert.Matches(UkPostcode(), address.PostalCode);
        Assert.Null(address.Text); // structured, never a free-text blob
        Assert.Equal("020 7946 0001", Assert.Single(patient.Telecom).Value);
    }

    [Fact]
    public void Every_nurse_carries_her_NMC_PIN_as_an_identifier_of_UK_Cores_system()
    {
        var practitioners = FhirExport.Everything(story.Source()).Entry.Select(e => e.Resource).OfType<Practitioner>()
            .Where(p => p.Id is FullRecord.Named or FullRecord.Backup).ToList();

        Assert.Equal(2, practitioners.Count);
        Assert.All(practitioners, p =>
        {
            var pin = Assert.Single(p.Identifier);
            Assert.Equal("https://fhir.hl7.org.uk/Id/nmc-number", pin.System);
            Assert.Matches(NmcPin(), pin.Value);
        });
    }

    [Fact]
    public void A_network_professional_has_no_NMC_identifier_and_family_is_a_related_person()
    {
        var resources = FhirExport.Everything(story.Source()).Entry.Select(e => e.Resource).ToList();

        var daughter = resources.OfType<RelatedPerson>().Single(r => r.Id == "net-daughter");
        Assert.Equal("Patient/" + FullRecord.ClientId, daughter.Patient.Reference);
        Assert.Contains(daughter.Relationship.Single().Coding, c => c.Code == "FAMMEMB");
        Assert.Equal(NetworkRole.Family, FhirCodes.NetworkRoleOf(daughter.Relationship.Single()));
        var gp = resources.OfType<Practitioner>().Single(p => p.Id == "net-gp");
        Assert.Empty(gp.Identifier);
        Assert.Equal(ContactPoint.ContactPointSystem.Email, gp.Telecom.Single().System);
        Assert.DoesNotContain(resources, r => r.Id == "net-gone");
    }

    /// <summary>The NHS number's own rule: modulus 11 over nine digits weighted 10 to 2; 11 is 0, 10 is never valid.</summary>
    private static bool IsValidNhsNumber(string value)
    {
        if (value.Length != 10 || !value.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (value[i] - '0') * (10 - i);
        var check = 11 - (sum % 11);
        if (check == 11) check = 0;
        return check != 10 && check == value[9] - '0';
    }

    [GeneratedRegex("^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")]
    private static partial Regex UkPostcode();

    [GeneratedRegex("^[0-9]{2}[A-Z][0-9]{4}[A-Z]$")]
    private static partial Regex NmcPin();
}
