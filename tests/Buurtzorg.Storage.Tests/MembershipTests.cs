using System.Net;
using Buurtzorg.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace Buurtzorg.Storage.Tests;

[Collection(SharedPostgres.Name)]
public sealed class MembershipTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_silos_join_one_cluster_through_the_membership_table()
    {
        var database = await postgres.MigratedAsync("cluster");
        await using var first = await SiloHarness.StartAsync(database, "two-silos");
        await using var second = await SiloHarness.StartAsync(database, "two-silos");

        var management = first.Grains.GetGrain<IManagementGrain>(0);
        var active = await Eventually(async () =>
        {
            var hosts = await management.GetHosts(onlyActive: true);
            return hosts.Count == 2 ? hosts : null;
        });
        Assert.Equal(2, active.Count);
        Assert.Equal(
            ["two-silos | 3", "two-silos | 3"],
            await Database.LinesAsync(database, "SELECT deployment_id, status FROM orleans_membership"));

        // A grain lives on one silo and is reachable from both.
        var counter = second.Grains.GetGrain<ICounterGrain>("shared");
        await counter.Increment();
        Assert.Equal(1, await first.Grains.GetGrain<ICounterGrain>("shared").Count());

        // Leaving gracefully marks the silo dead in the table; the other carries on alone.
        await second.StopAsync();
        Assert.Equal(
            ["3", "6"],
            await Database.LinesAsync(database, "SELECT status FROM orleans_membership ORDER BY status"));
        Assert.Single(await management.GetHosts(onlyActive: true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_membership_table_moves_one_version_at_a_time_and_cleans_up_dead_silos(bool withCapturedRowCleanup)
    {
        var database = await postgres.MigratedAsync("membership");
        if (!withCapturedRowCleanup)
            await Database.ExecuteAsync(database, "DELETE FROM orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
        var table = Table(database, "table-contract");

        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true); // a second silo starting: no new version row
        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var started = DateTime.UtcNow.AddMinutes(-10);
        var alpha = Entry(11111, started);
        var beta = Entry(11112, started);
        Assert.True(await table.InsertRowAsync(alpha, empty.Version.Next()));
        Assert.False(await table.InsertRowAsync(beta, empty.Version.Next()));       // stale table version
        var one = await table.ReadAllAsync();
        Assert.False(await table.InsertRowAsync(alpha, one.Version.Next()));        // already a member
        Assert.Equal(one.Version.Version, (await table.ReadAllAsync()).Version.Version);
        Assert.True(await table.InsertRowAsync(beta, one.Version.Next()));

        var two = await table.ReadAllAsync();
        Assert.Equal(2, two.Version.Version);
        var (read, etag) = Assert.Single(two.Members, m => m.Item1.SiloAddress.Equals(alpha.SiloAddress));
        Assert.Equal("silo-11111", read.SiloName);
        Assert.Equal(SiloStatus.Active, read.Status);
        Assert.Equal(30001, read.ProxyPort);
        Assert.Equal(DateTimeKind.Utc, read.StartTime.Kind);
        Assert.Equal(alpha.StartTime, read.StartTime, TimeSpan.FromMilliseconds(1));

        // Declaring alpha dead, with a suspicion vote, moves the version; a stale update changes nothing.
        read.Status = SiloStatus.Dead;
        read.IAmAliveTime = started;
        read.AddOrUpdateSuspector(beta.SiloAddress, started, 2);
        Assert.True(await table.UpdateRowAsync(read, etag, two.Version.Next()));
        Assert.False(await table.UpdateRowAsync(read, etag, two.Version.Next()));
        var three = await table.ReadRowAsync(alpha.SiloAddress);
        var (dead, _) = Assert.Single(three.Members);
        Assert.Equal(3, three.Version.Version);
        Assert.Equal(SiloStatus.Dead, dead.Status);
        Assert.Equal(beta.SiloAddress, Assert.Single(dead.SuspectTimes!).Item1);

        // A heartbeat is no membership change.
        beta.IAmAliveTime = DateTime.UtcNow;
        await table.UpdateIAmAliveAsync(beta);
        var four = await table.ReadRowAsync(beta.SiloAddress);
        Assert.Equal(3, four.Version.Version);
        Assert.Equal(beta.IAmAliveTime, Assert.Single(four.Members).Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));

        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance, EmptyServices,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = SiloHarness.Invariant, ConnectionString = database }),
            Options.Create(new GatewayOptions()), Options.Create(new ClusterOptions { ClusterId = "table-contract", ServiceId = "buurtzorg-tests" }));
        await gateways.InitializeGatewayListProviderAsync();
        Assert.Equal([SiloAddress.New(IPAddress.Loopback, beta.ProxyPort, 1).ToGatewayUri()], await gateways.GetGatewaysAsync()); // alpha is dead

        // Only dead silos last heard of before the cutoff are removed.
        await table.CleanupDefunctSiloEntriesAsync(started.AddMinutes(-1));
        Assert.Equal(2, (await table.ReadAllAsync()).Members.Count);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        var left = await table.ReadAllAsync();
        Assert.Equal(beta.SiloAddress, Assert.Single(left.Members).Item1.SiloAddress);

        await table.DeleteMembershipTableEntriesAsync("table-contract");
        Assert.Equal(0L, await Database.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_membership"));
        Assert.Equal(0L, await Database.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_membership_version"));
    }

    private static readonly IServiceProvider EmptyServices = new ServiceCollection().BuildServiceProvider();

    private static AdoNetClusteringTable Table(string database, string clusterId) => new(
        EmptyServices,
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "buurtzorg-tests" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = SiloHarness.Invariant, ConnectionString = database }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, DateTime started) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
        SiloName = $"silo-{port}",
        HostName = "localhost",
        Status = SiloStatus.Active,
        ProxyPort = port == 11111 ? 30001 : 30002,
        StartTime = started,
        IAmAliveTime = started,
    };

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } result)
                return result;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The cluster did not settle within 20 s.");
            await Task.Delay(200);
        }
    }
}
