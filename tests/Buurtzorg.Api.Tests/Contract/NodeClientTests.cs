using Buurtzorg.Api.Tests.Infrastructure;

namespace Buurtzorg.Api.Tests.Contract;

/// <summary>
/// A team app in another language needs nothing but the protos: a Node client drives a team's first week
/// (tests/contract/first-week.mjs) and a round worked offline and synced (tests/contract/offline-sync.mjs) against the
/// real host and checks every answer.
/// </summary>
[Collection(NodeTooling.Collection)]
public sealed class NodeClientTests(NodeTooling tooling, ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan FirstWeekTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_node_client_drives_a_teams_first_week_through_the_contract_alone()
    {
        var week = await tooling.RunNodeAsync(
            ["first-week.mjs", host.Address, "--key", TestKeys.FirstSecret, "--kid", TestKeys.FirstId], FirstWeekTimeout);

        Assert.True(week.ExitCode == 0, $"The Node client's first week did not hold:\n{week}");
    }

    [Fact]
    public async Task A_node_client_works_a_round_offline_and_syncs_it_through_the_contract_alone()
    {
        var round = await tooling.RunNodeAsync(
            ["offline-sync.mjs", host.Address, "--key", TestKeys.FirstSecret, "--kid", TestKeys.FirstId], FirstWeekTimeout);

        Assert.True(round.ExitCode == 0, $"The Node client's offline round did not hold:\n{round}");
    }
}
