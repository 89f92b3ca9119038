using Buurtzorg.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Buurtzorg.Storage;

/// <summary>
/// Orleans' grain storage with the project's one mapping of PostgreSQL's faults (<see cref="StorageFaults"/>) in
/// front: a state that cannot be read (an activation while the database is down) or written answers
/// <see cref="StorageUnavailableException"/>, which crosses silos and says honestly whether the write may have been
/// saved. The driver's exception never travels on. A version conflict (<see cref="InconsistentStateException"/>) is
/// not an outage and passes unchanged, so the grain still reloads and heals.
/// </summary>
public sealed class FaultMappingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }
        catch (Exception e) when (StorageFaults.IsOutageAnywhere(e))
        {
            throw new StorageUnavailableException(StorageFaults.ReadFailed);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        catch (Exception e) when (StorageFaults.IsOutageAnywhere(e))
        {
            throw StorageFaults.WriteFailed(e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState);
        }
        catch (Exception e) when (StorageFaults.IsOutageAnywhere(e))
        {
            throw StorageFaults.WriteFailed(e);
        }
    }
}

public static class FaultMappingGrainStorageRegistration
{
    /// <summary>The name under which the provider that really talks to PostgreSQL is registered, behind the mapping.</summary>
    public static string InnerName(string name) => name + "-postgres";

    /// <summary>
    /// Registers grain storage <paramref name="name"/> as the mapping in front of the provider registered as
    /// <see cref="InnerName"/> (which keeps its own lifecycle: it initialises as Orleans starts it).
    /// </summary>
    public static IServiceCollection AddFaultMapping(this IServiceCollection services, string name)
    {
        var inner = InnerName(name);
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, _) =>
            new FaultMappingGrainStorage(provider.GetRequiredKeyedService<IGrainStorage>(inner)));
        return services;
    }
}
