using Buurtzorg.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Buurtzorg.Grains.Tests;

/// <summary>One in-process cluster of two silos, shared by every grain test: calls cross silos as in production.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; } = new InProcessTestClusterBuilder(2)
        .ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(BuurtzorgStorage.Name).UseInMemoryReminderService().AddBuurtzorgGrains();
            silo.Services.Configure<RecordReminderOptions>(o => o.Grace = TimeSpan.FromSeconds(1));
        })
        .ConfigureClient(client => client.AddBuurtzorgClient())
        .Build();

    public IGrainFactory Grains => Cluster.Client;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
