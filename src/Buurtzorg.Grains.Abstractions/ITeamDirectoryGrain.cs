using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

/// <summary>
/// Which active team's neighbourhood holds a postcode (one grain, key <see cref="Key"/>), for referrals that arrive
/// without a team (a GP system's FHIR ServiceRequest). Each team lists its own footprint when it is approved, and on
/// every activation while active, and takes it out when it closes; the directory never calls a team. Holds postcode
/// districts and sectors only, never a client's postcode.
/// </summary>
[Alias("buurtzorg.team-directory")]
public interface ITeamDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "teams";

    /// <summary>An active team's footprint, replacing what was listed for it; written only when it changed.</summary>
    [Alias("list")] Task List(string teamId, IReadOnlyList<PostcodeArea> footprint);

    /// <summary>A closed team leaves the directory.</summary>
    [Alias("unlist")] Task Unlist(string teamId);

    /// <summary>
    /// The team for a postcode sector (<c>E3 2</c>), or null when no active team's footprint holds it. A sector in a
    /// footprint beats a whole district; among equals, the team listed first (it took the neighbourhood first).
    /// </summary>
    [Orleans.Concurrency.ReadOnly, Alias("team-for")] Task<string?> TeamFor(string postcodeSector);
}
