namespace Buurtzorg.Storage.Tests;

/// <summary>A grain with persisted state, to drive the grain-state provider the way real grains do.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Count();

    Task Clear();

    Task Deactivate();
}

/// <summary>A grain with reminders, to drive the reminder provider the way real grains do.</summary>
public interface IReminderHolderGrain : IGrainWithStringKey
{
    Task Remind(string name, TimeSpan period);

    Task<string[]> Reminders();

    Task Forget(string name);
}

[GenerateSerializer]
[Alias("Buurtzorg.Storage.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }
}

public sealed class CounterGrain([PersistentState("counter", SiloHarness.StorageName)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> Count() => Task.FromResult(state.State.Count);

    public Task Clear() => state.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class ReminderHolderGrain : Grain, IReminderHolderGrain, IRemindable
{
    public Task Remind(string name, TimeSpan period) => this.RegisterOrUpdateReminder(name, period, period);

    public async Task<string[]> Reminders() => [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public async Task Forget(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
