using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Grpc.Core;
using Xunit.Abstractions;

namespace Buurtzorg.CentralOffice.Tests;

public sealed class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_thousand_teams_overview_and_sorted_page_touch_no_team_grain()
    {
        await using var host = await OfficeHost.Start();
        var app = host.App();
        var started = DateTime.UtcNow;
        using (var gate = new SemaphoreSlim(16))
        {
            await WithHostErrors(host, Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var applied = await app.Teams.ApplyTeamAsync(new ApplyTeamRequest
                    {
                        RequestId = TeamApp.NewRequest(),
                        Name = $"Team {i:D4}",
                        Footprint = { i % 2 == 0 ? "E3 2" : "IP33 1" },
                    });
                    await app.Teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = TeamApp.NewRequest(), TeamId = applied.Team.TeamId });
                }
                finally
                {
                    gate.Release();
                }
            })));
        }
        output.WriteLine($"seeded 1,000 teams in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

        GetOverviewResponse overview;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            overview = await host.Office.GetOverviewAsync(new GetOverviewRequest());
        }
        while (overview.Organisation.ActiveTeams < 1000 && DateTime.UtcNow < deadline);
        Assert.Equal(1000, overview.Organisation.ActiveTeams);

        host.Calls.Reset();
        var timer = System.Diagnostics.Stopwatch.StartNew();
        overview = await host.Office.GetOverviewAsync(new GetOverviewRequest());
        var page = await host.Office.ListTeamsAsync(new ListTeamsRequest { SortBy = "name", Descending = true, PageSize = 50 });
        var suffolk = await host.Office.ListTeamsAsync(new ListTeamsRequest { SortBy = "members", Region = "IP", PageSize = 20, PageToken = "20" });
        timer.Stop();
        output.WriteLine($"overview + two pages in {timer.ElapsedMilliseconds} ms; grain calls: {string.Join(", ", host.Calls.Snapshot().Select(kv => $"{kv.Key}={kv.Value}"))}");

        Assert.Equal(1000, overview.Organisation.Teams);
        Assert.Equal(["E", "IP"], overview.Regions.Select(r => r.Region));
        Assert.Equal(500, overview.Regions[1].Teams);
        Assert.Equal(1000, page.Total);
        Assert.Equal(Enumerable.Range(950, 50).Reverse().Select(i => $"Team {i:D4}"), page.Teams.Select(t => t.Name));
        Assert.Equal("50", page.NextPageToken);
        Assert.Equal(500, suffolk.Total);
        Assert.All(suffolk.Teams, t => Assert.Equal("IP", t.Region));

        Assert.Equal(0, host.Calls[typeof(ITeamGrain)]);
        Assert.Equal(1, host.Calls[typeof(IOrganisationGrain), nameof(IOrganisationGrain.Overview)]);
        Assert.Equal(2, host.Calls[typeof(IOrganisationGrain), nameof(IOrganisationGrain.Teams)]);
    }

    /// <summary>A call answered INTERNAL fails the test with what the host logged as an error, which says why.</summary>
    private static async Task WithHostErrors(OfficeHost host, Task calls)
    {
        try
        {
            await calls;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Internal)
        {
            var errors = host.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
            throw new Xunit.Sdk.XunitException($"{e.Status}\nThe host logged:\n{string.Join("\n", errors)}");
        }
    }
}
