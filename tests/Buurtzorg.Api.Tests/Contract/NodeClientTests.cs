using Buurtzorg.Api.Tests.Infrastructure;

namespace Buurtzorg.Api.Tests.Contract;

/// <summary>
/// A team app in another language needs nothing but the protos: a Node client (tests/contract/first-week.mjs) drives a
/// team's first week against the real host and checks every answer.
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
}
