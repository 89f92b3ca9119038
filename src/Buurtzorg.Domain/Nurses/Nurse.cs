using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Nurses;

/// <summary>A nurse or nursing assistant: profile, skills, contracted hours, and the one team they belong to.</summary>
public sealed record Nurse(
    string Id,
    string DisplayName,
    NurseRole Role,
    NmcPin? Pin,
    decimal HoursPerWeek,
    ImmutableSortedSet<Skill> Skills,
    string? TeamId,
    DateTimeOffset RegisteredAt)
{
    public const decimal MaxHoursPerWeek = 48m;

    public static Nurse Register(string id, string? displayName, NurseRole role, string? pin, decimal hoursPerWeek,
        IEnumerable<Skill> skills, DateTimeOffset now)
    {
        var name = Text.Required(displayName, "Display name");
        NmcPin? parsedPin = SkillCatalogue.IsRegistrant(role) ? NmcPin.Parse(pin)
            : string.IsNullOrWhiteSpace(pin) ? null
            : throw CareRuleException.Invalid("A nursing assistant has no NMC PIN; leave it empty.");
        if (hoursPerWeek is <= 0 or > MaxHoursPerWeek)
            throw CareRuleException.Invalid($"Contracted hours must be above 0 and at most {MaxHoursPerWeek} a week.");
        var skillSet = skills.ToImmutableSortedSet();
        if (!SkillCatalogue.IsRegistrant(role) && skillSet.FirstOrDefault(SkillCatalogue.NeedsRegistration) is var restricted && restricted != 0)
            throw CareRuleException.Invalid($"{restricted} is practised by registered nurses only.");
        return new Nurse(id, name, role, parsedPin, hoursPerWeek, skillSet, null, now);
    }

    public Nurse JoinTeam(string teamId) => TeamId switch
    {
        null => this with { TeamId = teamId },
        var current when current == teamId => this,
        _ => throw CareRuleException.Precondition("The nurse is a member of another team; they leave it before joining this one.", "IN_ANOTHER_TEAM"),
    };

    public Nurse LeaveTeam(string teamId) => TeamId == teamId ? this with { TeamId = null } : this;
}
