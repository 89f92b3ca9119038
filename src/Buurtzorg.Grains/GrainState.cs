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
    /// storage holds: a change that was not acknowledged is not applied. If it failed because storage holds a newer
    /// version (another activation wrote, a row was restored), the grain reads that version, so its next write starts
    /// from what is stored instead of failing the same way for as long as the grain stays busy.
    /// </summary>
    public static async Task Commit<TState>(this IPersistentState<TState> state, Action<TState> change) where TState : GrainState<TState>
    {
        var before = state.State.Snapshot();
        change(state.State);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            state.State = before;
            if (RuleTranslationFilter.IsVersionConflict(e)) await ReloadAfterConflict(state);
            throw;
        }
    }

    private static async Task ReloadAfterConflict<TState>(IPersistentState<TState> state)
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // The store is unreachable as well: the next conflict reloads again, and deactivation reloads in any case.
        }
    }
}
