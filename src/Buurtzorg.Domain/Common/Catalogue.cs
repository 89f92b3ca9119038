namespace Buurtzorg.Domain.Common;

/// <summary>The fixed catalogue of skills a member can hold and a client can need.</summary>
public enum Skill
{
    WoundCare = 1,
    PalliativeCare,
    DiabetesCare,
    CatheterCare,
    MedicinesAdministration,
    Venepuncture,
    PersonalCare,
    DementiaCare,
    StomaCare,
    ContinenceCare,
    RespiratoryCare,
    MentalHealthSupport,
}

public enum NurseRole
{
    RegisteredNurse = 1,
    DistrictNurse,
    NursingAssistant,
}

public enum ReferralSource
{
    GeneralPractitioner = 1,
    DistrictNursing,
    HospitalDischarge,
    SocialCare,
    SelfOrFamily,
    Community,
}

public static class SkillCatalogue
{
    /// <summary>A need that only personal care meets is a social-care need; admission needs at least one health need.</summary>
    public static bool IsHealthNeed(Skill skill) => skill != Skill.PersonalCare;

    /// <summary>Skills that only a registrant (a registered or district nurse) may practise.</summary>
    public static bool NeedsRegistration(Skill skill) => skill is Skill.MedicinesAdministration or Skill.Venepuncture;

    public static bool IsRegistrant(NurseRole role) => role is NurseRole.RegisteredNurse or NurseRole.DistrictNurse;

    public static Skill Parse(int value) =>
        Enum.IsDefined((Skill)value) ? (Skill)value : throw CareRuleException.Invalid($"Skill {value} is not in the skill catalogue.");

    public static T ParseEnum<T>(int value, string field) where T : struct, Enum =>
        value != 0 && Enum.IsDefined(typeof(T), value) ? (T)(object)value : throw CareRuleException.Invalid($"{field} is missing or not a known value.");
}
