using Buurtzorg.Domain.Records;
using Hl7.Fhir.Model;

namespace Buurtzorg.Fhir;

/// <summary>
/// The code systems and identifier systems an export uses, and the Omaha System's words as FHIR codes. Where no code
/// of a published system could be verified (see docs/INTEROPERABILITY.md), the Omaha term is coded in a code system
/// of the project's and always carried as <see cref="CodeableConcept.Text"/>.
/// </summary>
public static class FhirCodes
{
    /// <summary>The identifier system of an NHS number (UK Core).</summary>
    public const string NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

    /// <summary>The identifier system of a Nursing and Midwifery Council PIN (UK Core's identifier systems: nmc-number).</summary>
    public const string NmcPinSystem = "https://fhir.hl7.org.uk/Id/nmc-number";

    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string RoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>The project's own code systems: a placeholder host until the organisation publishes its canonical URLs.</summary>
    public const string ProjectBase = "https://fhir.buurtzorg.example/CodeSystem/";

    /// <summary>The identifier system of a team's id (a placeholder host, as <see cref="ProjectBase"/>).</summary>
    public const string TeamIdSystem = "https://fhir.buurtzorg.example/Id/team";

    public const string OmahaProblemSystem = ProjectBase + "omaha-problem";
    public const string OmahaModifierSystem = ProjectBase + "omaha-modifier";
    public const string OmahaInterventionCategorySystem = ProjectBase + "omaha-intervention-category";
    public const string OmahaRatingSystem = ProjectBase + "omaha-rating";
    public const string RecordStatusSystem = ProjectBase + "record-status";
    public const string NetworkRoleSystem = ProjectBase + "network-role";

    /// <summary>Marks a resource read from a corrected entry: it shows the correction, not the entry first written.</summary>
    public const string Corrected = "corrected";

    /// <summary>The rating scales' codes in <see cref="OmahaRatingSystem"/>.</summary>
    public const string Knowledge = "knowledge";
    public const string Behaviour = "behavior";
    public const string Status = "status";

    public static CodeableConcept Problem(OmahaProblem problem) => new(OmahaProblemSystem,
        ((int)problem).ToString("00", System.Globalization.CultureInfo.InvariantCulture), OmahaCatalogue.DisplayName(problem),
        OmahaCatalogue.DisplayName(problem));

    /// <summary>The problem as the Omaha System names it, read back (null when the code is not one of ours).</summary>
    public static OmahaProblem? ProblemOf(CodeableConcept? concept)
    {
        var code = concept?.Coding.Find(c => c.System == OmahaProblemSystem)?.Code;
        return int.TryParse(code, System.Globalization.CultureInfo.InvariantCulture, out var n) && Enum.IsDefined((OmahaProblem)n)
            ? (OmahaProblem)n
            : null;
    }

    public static CodeableConcept Modifiers(ProblemScope scope, ProblemSeverity severity)
    {
        var text = $"Omaha modifiers: {ScopeName(scope)}, {SeverityName(severity)}";
        return new CodeableConcept
        {
            Coding =
            [
                new Coding(OmahaModifierSystem, $"scope-{scope.ToString().ToLowerInvariant()}", ScopeName(scope)),
                new Coding(OmahaModifierSystem, $"severity-{Kebab(severity.ToString())}", SeverityName(severity)),
            ],
            Text = text,
        };
    }

    public static CodeableConcept Intervention(InterventionCategory category, string target) => new(OmahaInterventionCategorySystem,
        Kebab(category.ToString()), CategoryName(category), $"{CategoryName(category)}: {target}");

    public static string CategoryName(InterventionCategory category) => category switch
    {
        InterventionCategory.TeachingGuidanceCounseling => "Teaching, guidance, and counseling",
        InterventionCategory.TreatmentsProcedures => "Treatments and procedures",
        InterventionCategory.CaseManagement => "Case management",
        InterventionCategory.Surveillance => "Surveillance",
        _ => throw new ArgumentOutOfRangeException(nameof(category), "Not a category of the Omaha Intervention Scheme."),
    };

    public static string ScopeName(ProblemScope scope) => scope switch
    {
        ProblemScope.Individual => "Individual",
        ProblemScope.Family => "Family",
        ProblemScope.Community => "Community",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), "Not an Omaha scope."),
    };

    public static string SeverityName(ProblemSeverity severity) => severity switch
    {
        ProblemSeverity.HealthPromotion => "Health promotion",
        ProblemSeverity.Potential => "Potential",
        ProblemSeverity.Actual => "Actual",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), "Not an Omaha severity."),
    };

    /// <summary>Personal relationships of HL7 v3 RoleCode (R4's RelatedPerson.relationship value set); null where none fits.</summary>
    public static Coding? Relationship(NetworkRole role) => role switch
    {
        NetworkRole.Family => new Coding(RoleCode, "FAMMEMB", "family member"),
        NetworkRole.Neighbour => new Coding(RoleCode, "NBOR", "neighbor"),
        NetworkRole.Friend => new Coding(RoleCode, "FRND", "unrelated friend"),
        _ => null,
    };

    public static string RoleName(NetworkRole role) => role switch
    {
        NetworkRole.Family => "Family",
        NetworkRole.Carer => "Carer",
        NetworkRole.Neighbour => "Neighbour",
        NetworkRole.Friend => "Friend",
        NetworkRole.VoluntaryGroup => "Voluntary group",
        NetworkRole.FaithCommunity => "Faith community",
        NetworkRole.GeneralPractitioner => "General practitioner",
        NetworkRole.SocialWorker => "Social worker",
        NetworkRole.Pharmacy => "Pharmacy",
        NetworkRole.Hospital => "Hospital",
        NetworkRole.Therapist => "Therapist",
        NetworkRole.OtherProfessional => "Other professional",
        _ => throw new ArgumentOutOfRangeException(nameof(role), "Not a network role."),
    };

    public static CodeableConcept NetworkRoleConcept(NetworkRole role)
    {
        var concept = new CodeableConcept(NetworkRoleSystem, Kebab(role.ToString()), RoleName(role), RoleName(role));
        if (Relationship(role) is { } relationship) concept.Coding.Insert(0, relationship);
        return concept;
    }

    /// <summary>The role read back from an exported concept (null when it carries none of ours).</summary>
    public static NetworkRole? NetworkRoleOf(CodeableConcept? concept) =>
        concept?.Coding.Find(c => c.System == NetworkRoleSystem)?.Code is { } code
            ? Enum.GetValues<NetworkRole>().Where(r => Kebab(r.ToString()) == code).Select(r => (NetworkRole?)r).FirstOrDefault()
            : null;

    public static string DischargeReasonName(DischargeReason reason) => reason switch
    {
        DischargeReason.GoalsMet => "Goals met",
        DischargeReason.MovedAway => "Moved away",
        DischargeReason.TransferredToAnotherService => "Transferred to another service",
        DischargeReason.MovedIntoCareHome => "Moved into a care home",
        DischargeReason.LongTermHospitalStay => "Long-term hospital stay",
        DischargeReason.Died => "Died",
        DischargeReason.ClientChoice => "Client's choice",
        DischargeReason.Other => "Other",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), "Not a discharge reason."),
    };

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));
}
