namespace Buurtzorg.Grains;

/// <summary>A grain's stored state: its members are immutable values, so a shallow copy is a snapshot.</summary>
[GenerateSerializer]
public abstract class GrainState<TSelf> where TSelf : GrainState<TSelf>
{
    public TSelf Snapshot() => (TSelf)MemberwiseClone();
}

internal static class GrainStateWrites
{
    /// <summary>
    /// Changes the state and writes it. If the write fails the change is undone, so the grain keeps answering from what
    /// storage holds: a change that was not acknowledged is not applied.
    /// </summary>
    public static async Task Commit<TState>(this IPersistentState<TState> state, Action<TState> change) where TState : GrainState<TState>
    {
        var before = state.State.Snapshot();
        change(state.State);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = before;
            throw;
        }
    }
}
