using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.team-directory-state")]
public sealed class TeamDirectoryState : GrainState<TeamDirectoryState>
{
    /// <summary>Each active team's footprint (at most 50 areas a team), with the order teams were first listed in.</summary>
    [Id(0)] public ImmutableDictionary<string, DirectoryListing> Teams { get; set; } = ImmutableDictionary<string, DirectoryListing>.Empty;

    [Id(1)] public long NextOrder { get; set; } = 1;
}

/// <summary>A team's place in the directory: when it was first listed (ties go to the earlier), and its areas.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.directory-listing")]
public sealed record DirectoryListing([property: Id(0)] long Order, [property: Id(1)] ImmutableArray<PostcodeArea> Areas);

/// <summary>
/// The directory of active teams' footprints. Its state grows with the number of active teams only (a closed team is
/// taken out), and a lookup is two dictionary reads (the sector, then its district) on an index rebuilt from the state
/// when it changes.
/// </summary>
[GrainType("buurtzorg.team-directory")]
public sealed class TeamDirectoryGrain(
    [PersistentState("team-directory", BuurtzorgStorage.Name)] IPersistentState<TeamDirectoryState> state)
    : Grain, ITeamDirectoryGrain
{
    private Dictionary<string, (long Order, string TeamId)>? _index;

    public async Task List(string teamId, IReadOnlyList<PostcodeArea> footprint)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        var areas = footprint.Distinct().Order(Comparer<PostcodeArea>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))).ToImmutableArray();
        var known = state.State.Teams.GetValueOrDefault(teamId);
        if (known is not null && known.Areas.SequenceEqual(areas)) return;
        await state.Commit(s =>
        {
            var order = known?.Order ?? s.NextOrder++;
            s.Teams = s.Teams.SetItem(teamId, new DirectoryListing(order, areas));
        });
        _index = null;
    }

    public async Task Unlist(string teamId)
    {
        if (!state.State.Teams.ContainsKey(teamId)) return;
        await state.Commit(s => s.Teams = s.Teams.Remove(teamId));
        _index = null;
    }

    public Task<string?> TeamFor(string postcodeSector)
    {
        var index = _index ??= Index(state.State.Teams);
        var sector = PostcodeArea.Parse(postcodeSector);
        string? found = null;
        if (sector.IsSector)
        {
            found = index.TryGetValue(sector.Value, out var bySector) ? bySector.TeamId
                : index.TryGetValue(sector.Value[..sector.Value.IndexOf(' ', StringComparison.Ordinal)], out var byDistrict) ? byDistrict.TeamId
                : null;
        }
        return Task.FromResult(found);
    }

    /// <summary>Each area to the team listed first for it.</summary>
    private static Dictionary<string, (long Order, string TeamId)> Index(ImmutableDictionary<string, DirectoryListing> teams)
    {
        var index = new Dictionary<string, (long Order, string TeamId)>(StringComparer.Ordinal);
        foreach (var (teamId, listing) in teams)
        {
            foreach (var area in listing.Areas)
            {
                if (!index.TryGetValue(area.Value, out var held) || listing.Order < held.Order) index[area.Value] = (listing.Order, teamId);
            }
        }
        return index;
    }
}
