using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Buurtzorg.Grains.Tests;

/// <summary>What a grain has written to storage, read from the storage itself rather than through the grain.</summary>
internal static class Stored
{
    public static async Task<T> Read<T>(ClusterFixture fixture, string stateName, GrainId grainId) where T : new()
    {
        var storage = Services(fixture).GetRequiredKeyedService<IGrainStorage>(BuurtzorgStorage.Name);
        var state = new Orleans.GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grainId, state);
        return state.State ?? new T();
    }

    /// <summary>Writes <paramref name="value"/> over what a grain stored under <typeparamref name="TStored"/> (as a restore would).</summary>
    public static async Task Overwrite<TStored, T>(ClusterFixture fixture, string stateName, GrainId grainId, T value) where TStored : new()
    {
        var storage = Services(fixture).GetRequiredKeyedService<IGrainStorage>(BuurtzorgStorage.Name);
        var current = new Orleans.GrainState<TStored>(new TStored());
        await storage.ReadStateAsync(stateName, grainId, current);
        await storage.WriteStateAsync(stateName, grainId, new Orleans.GrainState<T>(value) { ETag = current.ETag });
    }

    /// <summary>Moves the care clock of every silo (each has its own) by <paramref name="by"/>.</summary>
    public static void Advance(ClusterFixture fixture, TimeSpan by)
    {
        foreach (var silo in fixture.Cluster.Silos) silo.ServiceProvider.GetRequiredService<CareClock>().Offset += by;
    }

    /// <summary>Puts every silo's care clock back on real time.</summary>
    public static void RealTime(ClusterFixture fixture)
    {
        foreach (var silo in fixture.Cluster.Silos) silo.ServiceProvider.GetRequiredService<CareClock>().Offset = TimeSpan.Zero;
    }

    /// <summary>The version of what a grain has stored (null when nothing is).</summary>
    public static async Task<string?> ETag<T>(ClusterFixture fixture, string stateName, GrainId grainId) where T : new()
    {
        var storage = Services(fixture).GetRequiredKeyedService<IGrainStorage>(BuurtzorgStorage.Name);
        var state = new Orleans.GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grainId, state);
        return state.ETag;
    }

    /// <summary>How many bytes a value takes in Orleans' binary format, as grain storage holds it.</summary>
    public static int Size<T>(ClusterFixture fixture, T value) => Services(fixture).GetRequiredService<Serializer>().SerializeToArray(value).Length;

    public static async Task<IReadOnlyDictionary<string, ReportedCare>> TeamCare(ClusterFixture fixture, string teamId) =>
        (await Read<TeamState>(fixture, "team", fixture.Grains.GetGrain<ITeamGrain>(teamId).GetGrainId())).Care;

    private static IServiceProvider Services(ClusterFixture fixture) => fixture.Cluster.Silos[0].ServiceProvider;
}
