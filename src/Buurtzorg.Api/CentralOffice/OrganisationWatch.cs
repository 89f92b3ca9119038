using System.Runtime.CompilerServices;
using Buurtzorg.Grains;

namespace Buurtzorg.Api.CentralOffice;

/// <summary>What a watcher sees: first every team (a snapshot), then each change; a snapshot again after a gap.</summary>
public sealed record WatchEvent(bool Snapshot, IReadOnlyList<TeamRow> Teams, IReadOnlyList<Domain.CentralOffice.Alert> Raised,
    IReadOnlyList<Domain.CentralOffice.Alert> Cleared, OrganisationOverview Overview);

/// <summary>
/// Follows the organisation grain's changes by long polling (the grain answers when a change comes or after a while),
/// so a watcher on any silo sees changes wherever the grain lives. Shared by the gRPC stream and the page's events.
/// </summary>
public static class OrganisationWatch
{
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(15);

    public static async IAsyncEnumerable<WatchEvent> Follow(IGrainFactory grains, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var organisation = grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key);
        var (epoch, version) = (Guid.Empty, 0L);
        while (!cancellation.IsCancellationRequested)
        {
            var batch = await organisation.Changes(epoch, version, Poll).WaitAsync(cancellation);
            if (batch.Reset)
            {
                (epoch, version) = (batch.Epoch, batch.Version);
                yield return new WatchEvent(true, await AllTeams(organisation), [], [], await organisation.Overview());
                continue;
            }
            if (batch.Changes.Count == 0) continue;
            version = batch.Version;
            // Several changes of one team in a batch: its latest figures are what counts.
            var rows = batch.Changes.GroupBy(c => c.Row.Figures.TeamId).Select(g => g.Last().Row).ToList();
            yield return new WatchEvent(false, rows, [.. batch.Changes.SelectMany(c => c.Raised)],
                [.. batch.Changes.SelectMany(c => c.Cleared)], await organisation.Overview());
        }
    }

    public static async Task<IReadOnlyList<TeamRow>> AllTeams(IOrganisationGrain organisation)
    {
        var rows = new List<TeamRow>();
        while (true)
        {
            var page = await organisation.Teams(new TeamQuery("name", false, rows.Count, 1000, null, null));
            rows.AddRange(page.Rows);
            if (page.Rows.Count == 0 || rows.Count >= page.Total) return rows;
        }
    }
}
