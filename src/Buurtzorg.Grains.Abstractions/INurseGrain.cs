using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Nurses;

namespace Buurtzorg.Grains;

/// <summary>A nurse (key: nurse id): profile, skills, hours, and which team they belong to.</summary>
[Alias("buurtzorg.nurse")]
public interface INurseGrain : IGrainWithStringKey
{
    [Alias("register")] Task<Nurse> Register(string requestId, RegisterNurseCommand command);
    [Alias("get")] Task<Nurse> Get();
    /// <summary>Called by a team as a member joins: the nurse belongs to one team at a time.</summary>
    [Alias("join-team")] Task<Nurse> JoinTeam(string teamId);
    [Alias("leave-team")] Task<Nurse> LeaveTeam(string teamId);
}

[GenerateSerializer, Immutable, Alias("buurtzorg.register-nurse")]
public sealed record RegisterNurseCommand(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] NurseRole Role,
    [property: Id(2)] string? Pin,
    [property: Id(3)] decimal HoursPerWeek,
    [property: Id(4)] IReadOnlyList<Skill> Skills);
