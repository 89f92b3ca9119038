using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Teams;

public enum ReferralStatus
{
    Waiting = 1,
    Admitted,
    Declined,
}

public enum DeclineReason
{
    NoHealthNeed = 1,
    OutsideFootprint,
    OnAnotherCaseload,
    AtCapacity,
    NoSkillCover,
    NotEnoughMembers,
    TeamChoice,
}

/// <summary>
/// A referral in the team's inbox. It holds no patient identifiers: the details live in the client's record; the team
/// keeps only the postcode sector it needs to check its footprint.
/// </summary>
public sealed record Referral(
    string ReferralId,
    string ClientId,
    ReferralSource Source,
    ImmutableSortedSet<Skill> Needs,
    string PostcodeSector,
    DateTimeOffset ReceivedAt,
    ReferralStatus Status,
    DeclineReason? DeclineReason,
    DateTimeOffset? DecidedAt);

public static class DeclineReasons
{
    public static string Code(DeclineReason reason) => reason switch
    {
        DeclineReason.NoHealthNeed => "NO_HEALTH_NEED",
        DeclineReason.OutsideFootprint => "OUTSIDE_FOOTPRINT",
        DeclineReason.OnAnotherCaseload => "ON_ANOTHER_CASELOAD",
        DeclineReason.AtCapacity => "AT_CAPACITY",
        DeclineReason.NoSkillCover => "NO_SKILL_COVER",
        DeclineReason.NotEnoughMembers => "NOT_ENOUGH_MEMBERS",
        _ => "TEAM_CHOICE",
    };

    public static string Explain(DeclineReason reason, Team team) => reason switch
    {
        DeclineReason.NoHealthNeed => "The referral names no health need; personal care alone is arranged by social care.",
        DeclineReason.OutsideFootprint => $"The client lives outside the team's neighbourhood ({string.Join(", ", team.Footprint)}).",
        DeclineReason.OnAnotherCaseload => "The client is already on another team's caseload.",
        DeclineReason.AtCapacity => $"The team's caseload is full ({team.Caseload.Count} of {team.Capacity} clients).",
        DeclineReason.NoSkillCover => "No two available members together have the skills the client needs.",
        DeclineReason.NotEnoughMembers => "The team needs at least two available members to name a nurse and a backup.",
        _ => "The team declined the referral.",
    };
}
