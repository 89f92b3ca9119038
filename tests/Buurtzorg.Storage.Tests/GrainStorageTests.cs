using Buurtzorg.TestSupport;
using Orleans.Storage;

namespace Buurtzorg.Storage.Tests;

[Collection(SharedPostgres.Name)]
public sealed class GrainStorageTests(PostgresServer postgres)
{
    [Fact]
    public async Task Grain_state_survives_deactivation_a_stale_etag_is_refused_and_clearing_empties_it()
    {
        var database = await postgres.MigratedAsync("grain_state");
        await using var silo = await SiloHarness.StartAsync(database, "state");
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(SiloHarness.StorageName);
        var counter = silo.Grains.GetGrain<ICounterGrain>("team-noord");

        Assert.Equal(1, await counter.Increment());
        Assert.Equal(2, await counter.Increment());
        await counter.Deactivate();
        Assert.Equal(2, await counter.Count());

        // Another writer, holding the grain's current version, gets in first: the grain's own next write is stale.
        var other = await Read(storage, counter.GetGrainId());
        other.State!.Count = 40;
        await storage.WriteStateAsync("counter", counter.GetGrainId(), other);
        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.Increment());
        Assert.Equal(40, (await Read(storage, counter.GetGrainId())).State!.Count);

        // The refused activation is gone; a new one reads the winner's state and carries on from it.
        Assert.Equal(41, await counter.Increment());

        await counter.Clear();
        await counter.Deactivate();
        Assert.Equal(0, await counter.Count());
        var cleared = await Read(storage, counter.GetGrainId());
        Assert.False(cleared.RecordExists);
        Assert.NotNull(cleared.ETag); // the row stays, without a payload, still guarded by its version
        Assert.Equal(["null"], await Database.LinesAsync(database, "SELECT payload FROM orleans_grain_state WHERE grain_id_extension = 'team-noord'"));
    }

    [Fact]
    public async Task The_version_is_the_etag_and_a_write_with_the_wrong_one_changes_nothing()
    {
        var database = await postgres.MigratedAsync("etag");
        await using var silo = await SiloHarness.StartAsync(database, "etag");
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(SiloHarness.StorageName);
        var grain = GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "zorgteam"));

        var first = new GrainState<CounterState>(new CounterState { Count = 1 });
        await storage.WriteStateAsync("counter", grain, first);
        Assert.NotNull(first.ETag);
        Assert.True(first.RecordExists);

        // A second "first write" (no version) finds the row taken.
        var rival = new GrainState<CounterState>(new CounterState { Count = 99 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, rival));

        var stale = new GrainState<CounterState>(new CounterState { Count = 98 }) { ETag = first.ETag };
        first.State!.Count = 2;
        await storage.WriteStateAsync("counter", grain, first);
        Assert.NotEqual(stale.ETag, first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", grain, stale));

        var stored = await Read(storage, grain);
        Assert.Equal(2, stored.State!.Count);
        Assert.Equal(first.ETag, stored.ETag);

        // The same key under another state name, and a long key, are rows of their own.
        await storage.WriteStateAsync("other", grain, new GrainState<CounterState>(new CounterState { Count = 7 }));
        var numbered = GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(42));
        await storage.WriteStateAsync("counter", numbered, new GrainState<CounterState>(new CounterState { Count = 42 }));
        Assert.Equal(2, (await Read(storage, grain)).State!.Count);
        Assert.Equal(7, (await Read(storage, grain, "other")).State!.Count);
        Assert.Equal(42, (await Read(storage, numbered)).State!.Count);
        Assert.Equal(3L, await Database.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_grain_state"));
    }

    [Fact]
    public async Task With_delete_on_clear_the_row_goes_and_the_next_write_starts_afresh()
    {
        var database = await postgres.MigratedAsync("delete_on_clear");
        await using var silo = await SiloHarness.StartAsync(database, "delete");
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(SiloHarness.DeletingStorageName);
        var grain = GrainId.Create("counter", "wijk-oost");

        var state = new GrainState<CounterState>(new CounterState { Count = 5 });
        await storage.WriteStateAsync("counter", grain, state);
        var stale = new GrainState<CounterState>(new CounterState()) { ETag = state.ETag, RecordExists = true };
        await storage.WriteStateAsync("counter", grain, state);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", grain, stale));
        Assert.Equal(1L, await Database.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_grain_state"));

        await storage.ClearStateAsync("counter", grain, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0L, await Database.ScalarAsync<long>(database, "SELECT count(*) FROM orleans_grain_state"));
        var gone = await Read(storage, grain);
        Assert.False(gone.RecordExists);
        Assert.Null(gone.ETag);

        // The old ETag never comes back: a writer still holding it is refused even after the row is written anew.
        state.State!.Count = 1;
        await storage.WriteStateAsync("counter", grain, state);
        Assert.NotEqual(stale.ETag, state.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, stale));
        Assert.Equal(1, (await Read(storage, grain)).State!.Count);
    }

    private static async Task<GrainState<CounterState>> Read(IGrainStorage storage, GrainId grain, string stateName = "counter")
    {
        var state = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync(stateName, grain, state);
        return state;
    }
}
