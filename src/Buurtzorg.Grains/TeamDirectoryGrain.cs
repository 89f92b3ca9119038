using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.team-directory-state")]
public sealed class TeamDirectoryState : GrainState<TeamDirectoryState>
{
    /// <summary>Each active team's footprint (at most 50 areas a team), with the order teams were first listed in.</summary>
    [Id(0)] public ImmutableDictionary<string, DirectoryListing> Teams { get; set; } = ImmutableDictionary<string, DirectoryListing>.Empty;

    [Id(1)] public long NextOrder { get; set; } = 1;

    /// <summary>Whether the directory has listed the teams approved before it existed (see TeamDirectoryGrain.Seed).</summary>
    [Id(2)] public bool Seeded { get; set; }
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

    // Teams unlisted while the seed was reading: the seed must not list them again from what it read before.
    private HashSet<string>? _unlistedWhileSeeding;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Interleaved, so that a team that calls List while the seed is asking it for its footprint is not deadlocked.
        if (!state.State.Seeded)
        {
            _unlistedWhileSeeding = [];
            this.RegisterGrainTimer(Seed, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A database whose teams were approved before the directory existed (an upgrade) has active teams it never heard
    /// of: once, the directory asks each team the central office knows for its status and footprint and lists the
    /// active ones, so a GP's referral is not refused as outside every neighbourhood until each team happens to wake.
    /// </summary>
    private async Task Seed(CancellationToken cancellationToken)
    {
        var organisation = GrainFactory.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key);
        var found = new List<(string TeamId, ImmutableArray<PostcodeArea> Areas)>();
        const int Page = 1000;
        for (var offset = 0; ; offset += Page)
        {
            var page = await organisation.Teams(new TeamQuery("name", false, offset, Page, null, null));
            foreach (var row in page.Rows)
            {
                if (await Team(row.Figures.TeamId) is { Status: Domain.Teams.TeamStatus.Active } team)
                    found.Add((team.Id, Sorted(team.Footprint)));
            }
            if (page.Rows.Count < Page) break;
        }
        var unlisted = _unlistedWhileSeeding ?? [];
        await state.Commit(s =>
        {
            foreach (var (teamId, areas) in found.Where(f => !s.Teams.ContainsKey(f.TeamId) && !unlisted.Contains(f.TeamId)))
                s.Teams = s.Teams.SetItem(teamId, new DirectoryListing(s.NextOrder++, areas));
            s.Seeded = true;
        });
        _unlistedWhileSeeding = null;
        _index = null;
    }

    private async Task<Domain.Teams.Team?> Team(string teamId)
    {
        try
        {
            return await GrainFactory.GetGrain<ITeamGrain>(teamId).Get();
        }
        catch (RuleRefusedException refused) when (refused.Violation == RuleViolation.NotFound)
        {
            return null; // figures from a team never formed in this database: nothing to list
        }
    }

    private static ImmutableArray<PostcodeArea> Sorted(IEnumerable<PostcodeArea> footprint) =>
        footprint.Distinct().Order(Comparer<PostcodeArea>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))).ToImmutableArray();

    public async Task List(string teamId, IReadOnlyList<PostcodeArea> footprint)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        var areas = Sorted(footprint);
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
        _unlistedWhileSeeding?.Add(teamId);
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
