using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Simulator.Cluster;
using Buurtzorg.Simulator.Reads;
using Buurtzorg.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Simulator.Tests;

/// <summary>
/// The <c>cluster</c> harness at the smallest scale: two silo processes on one PostgreSQL, calls spread over both,
/// the reads benchmark for a second a phase and the bytes between silos for a few calls. Only that every call was
/// answered and the silos' messaging meters were read; never a timing.
/// </summary>
public sealed class ClusterSmokeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Two_silo_processes_answer_every_call_spread_over_them_and_report_the_bytes_they_sent_each_other()
    {
        var database = await postgres.CreateDatabaseAsync("cluster");
        var tokens = BenchmarkTokens.From(new ConfigurationBuilder().AddCommandLine(TestKeys.Arguments).Build());

        await using var cluster = await SiloCluster.Start(2, BuiltAssemblies.Of("Buurtzorg.Silo"), database, TestKeys.Arguments, TextWriter.Null, TimeSpan.FromMinutes(1));
        using var channel = new RoundRobinInvoker(cluster.GrpcTargets, tokens);
        using var messaging = new SiloMessaging(cluster.MetricsEndpoints, tokens);

        var (_, readErrors) = await new ReadBenchmark(channel, tokens, concurrency: 4, TimeSpan.FromSeconds(1), visitsPerClient: 1, seed: 5).Run(TextWriter.Null);
        var bytes = await new SiloBytesBenchmark(channel, tokens, messaging, new SiloBytesOptions
        {
            Postgres = database,
            Entries = [12],
            Calls = 40,
            Concurrency = 4,
            Idle = TimeSpan.FromSeconds(1),
            Settle = TimeSpan.FromMilliseconds(500),
        }, TextWriter.Null).Run();

        Assert.Equal(0, readErrors);
        Assert.Equal(0, bytes.Errors);
        Assert.Equal(["GetRecord", "RecordVisit"], bytes.Rows.Select(r => r.Operation));
        Assert.All(bytes.Rows, row =>
        {
            Assert.Equal(40, row.Calls);
            // Half the calls reach the silo without the client's grain: the silos sent each other messages.
            Assert.True(row.Sent.Bytes > 0 && row.Sent.Requests > 0, $"{row.Operation}: no silo-to-silo traffic read.\n{cluster.Diagnostics()}");
        });
    }
}
