namespace Buurtzorg.Domain.Records;

/// <summary>The four domains of the Omaha System Problem Classification Scheme.</summary>
public enum OmahaDomain
{
    Environmental = 1,
    Psychosocial,
    Physiological,
    HealthRelatedBehaviors,
}

/// <summary>The 42 problems of the Omaha System, numbered in the scheme's own order (the wire protocol relies on it).</summary>
public enum OmahaProblem
{
    // Environmental
    Income = 1,
    Sanitation,
    Residence,
    NeighborhoodWorkplaceSafety,

    // Psychosocial
    CommunicationWithCommunityResources,
    SocialContact,
    RoleChange,
    InterpersonalRelationship,
    Spirituality,
    Grief,
    MentalHealth,
    Sexuality,
    CaretakingParenting,
    Neglect,
    Abuse,
    GrowthAndDevelopment,

    // Physiological
    Hearing,
    Vision,
    SpeechAndLanguage,
    OralHealth,
    Cognition,
    Pain,
    Consciousness,
    Skin,
    NeuromusculoskeletalFunction,
    Respiration,
    Circulation,
    DigestionHydration,
    BowelFunction,
    UrinaryFunction,
    ReproductiveFunction,
    Pregnancy,
    Postpartum,
    CommunicableInfectiousCondition,

    // Health-related behaviors
    Nutrition,
    SleepAndRestPatterns,
    PhysicalActivity,
    PersonalCare,
    SubstanceUse,
    FamilyPlanning,
    HealthCareSupervision,
    MedicationRegimen,
}

public enum ProblemScope
{
    Individual = 1,
    Family,
    Community,
}

public enum ProblemSeverity
{
    HealthPromotion = 1,
    Potential,
    Actual,
}

/// <summary>The four categories of the Omaha Intervention Scheme.</summary>
public enum InterventionCategory
{
    TeachingGuidanceCounseling = 1,
    TreatmentsProcedures,
    CaseManagement,
    Surveillance,
}

public static class OmahaCatalogue
{
    /// <summary>Every problem of the scheme, in its order.</summary>
    public static IReadOnlyList<OmahaProblem> Problems { get; } = Enum.GetValues<OmahaProblem>();

    // The enum is laid out domain by domain, so a problem's number says its domain.
    public static OmahaDomain DomainOf(OmahaProblem problem) => (int)problem switch
    {
        >= 1 and <= 4 => OmahaDomain.Environmental,
        >= 5 and <= 16 => OmahaDomain.Psychosocial,
        >= 17 and <= 34 => OmahaDomain.Physiological,
        >= 35 and <= 42 => OmahaDomain.HealthRelatedBehaviors,
        _ => throw new ArgumentOutOfRangeException(nameof(problem), "Not a problem of the Omaha System."),
    };

    public static IEnumerable<OmahaProblem> ProblemsIn(OmahaDomain domain) => Problems.Where(p => DomainOf(p) == domain);

    public static string DisplayName(OmahaDomain domain) => domain switch
    {
        OmahaDomain.Environmental => "Environmental",
        OmahaDomain.Psychosocial => "Psychosocial",
        OmahaDomain.Physiological => "Physiological",
        OmahaDomain.HealthRelatedBehaviors => "Health-related behaviors",
        _ => throw new ArgumentOutOfRangeException(nameof(domain), "Not a domain of the Omaha System."),
    };

    /// <summary>The problem's name as the Omaha System writes it.</summary>
    public static string DisplayName(OmahaProblem problem) => problem switch
    {
        OmahaProblem.Income => "Income",
        OmahaProblem.Sanitation => "Sanitation",
        OmahaProblem.Residence => "Residence",
        OmahaProblem.NeighborhoodWorkplaceSafety => "Neighborhood/workplace safety",
        OmahaProblem.CommunicationWithCommunityResources => "Communication with community resources",
        OmahaProblem.SocialContact => "Social contact",
        OmahaProblem.RoleChange => "Role change",
        OmahaProblem.InterpersonalRelationship => "Interpersonal relationship",
        OmahaProblem.Spirituality => "Spirituality",
        OmahaProblem.Grief => "Grief",
        OmahaProblem.MentalHealth => "Mental health",
        OmahaProblem.Sexuality => "Sexuality",
        OmahaProblem.CaretakingParenting => "Caretaking/parenting",
        OmahaProblem.Neglect => "Neglect",
        OmahaProblem.Abuse => "Abuse",
        OmahaProblem.GrowthAndDevelopment => "Growth and development",
        OmahaProblem.Hearing => "Hearing",
        OmahaProblem.Vision => "Vision",
        OmahaProblem.SpeechAndLanguage => "Speech and language",
        OmahaProblem.OralHealth => "Oral health",
        OmahaProblem.Cognition => "Cognition",
        OmahaProblem.Pain => "Pain",
        OmahaProblem.Consciousness => "Consciousness",
        OmahaProblem.Skin => "Skin",
        OmahaProblem.NeuromusculoskeletalFunction => "Neuromusculoskeletal function",
        OmahaProblem.Respiration => "Respiration",
        OmahaProblem.Circulation => "Circulation",
        OmahaProblem.DigestionHydration => "Digestion-hydration",
        OmahaProblem.BowelFunction => "Bowel function",
        OmahaProblem.UrinaryFunction => "Urinary function",
        OmahaProblem.ReproductiveFunction => "Reproductive function",
        OmahaProblem.Pregnancy => "Pregnancy",
        OmahaProblem.Postpartum => "Postpartum",
        OmahaProblem.CommunicableInfectiousCondition => "Communicable/infectious condition",
        OmahaProblem.Nutrition => "Nutrition",
        OmahaProblem.SleepAndRestPatterns => "Sleep and rest patterns",
        OmahaProblem.PhysicalActivity => "Physical activity",
        OmahaProblem.PersonalCare => "Personal care",
        OmahaProblem.SubstanceUse => "Substance use",
        OmahaProblem.FamilyPlanning => "Family planning",
        OmahaProblem.HealthCareSupervision => "Health care supervision",
        OmahaProblem.MedicationRegimen => "Medication regimen",
        _ => throw new ArgumentOutOfRangeException(nameof(problem), "Not a problem of the Omaha System."),
    };
}
