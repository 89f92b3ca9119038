using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Simulator.Reads;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Simulator.Tests;

/// <summary>The read benchmark, for a second per phase against an embedded host: every call answered, every row there.</summary>
public sealed class ReadBenchmarkSmokeTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Records_and_caseloads_are_read_closed_loop_and_paced_without_a_failed_call()
    {
        var tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build());

        using var connection = SimulatorConnection.To(host.Address, tokens);
        var (markdown, errors) = await new ReadBenchmark(connection.CallInvoker, tokens, concurrency: 4, TimeSpan.FromSeconds(1), visitsPerClient: 2, seed: 3)
            .Run(TextWriter.Null);

        Assert.Equal(0, errors);
        foreach (var row in new[] { "| ceiling: health check |", "| GetRecord |", "| GetCaseload |", "| GetRecord at 70 % of its rate |", "| GetCaseload at 70 % of its rate |" })
            Assert.Contains(row, markdown, StringComparison.Ordinal);
    }
}
