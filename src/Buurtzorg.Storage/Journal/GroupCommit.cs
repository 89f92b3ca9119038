using System.Threading.Channels;
using Buurtzorg.Grains;
using Npgsql;

namespace Buurtzorg.Storage.Journal;

/// <summary>
/// Writes from many grains committed together. Each caller's statements join the next round trip with every other
/// caller's queued meanwhile, as one transaction: one commit, one WAL flush, for the lot. A caller's task completes
/// only when that transaction has committed, so an acknowledged write is durable exactly as if it had gone alone.
/// When the combined transaction fails on a statement (a stale activation's conflict, say), nothing of it was
/// written, and each caller's statements are run again on their own, so each caller gets its own outcome.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>Round trips in flight at once: one fills while the other commits.</summary>
    public const int Writers = 2;

    /// <summary>The most callers one round trip carries.</summary>
    public const int MostCallers = 64;

    private readonly NpgsqlDataSource _database;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly Task[] _writers;

    public GroupCommit(NpgsqlDataSource database)
    {
        _database = database;
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(Write))];
    }

    /// <summary>
    /// Commits the statements <paramref name="add"/> puts into a batch (it may be called again, for a batch of their
    /// own, so it must only add commands). Throws what PostgreSQL or Npgsql threw for these statements.
    /// </summary>
    public Task Execute(Action<NpgsqlBatch> add)
    {
        var pending = new Pending(add, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending) ? pending.Done.Task : Alone(_database, add);
    }

    /// <summary>
    /// The statements in a round trip of their own: one implicit transaction, all or nothing. An outage throws
    /// <see cref="StorageUnavailableException"/>: nothing saved when the connection could not be had or PostgreSQL
    /// answered with an error; outcome unknown when the connection broke after the statements were sent.
    /// </summary>
    public static async Task Alone(NpgsqlDataSource database, Action<NpgsqlBatch> add)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await database.OpenConnectionAsync();
        }
        catch (Exception e) when (StorageFaults.IsOutage(e))
        {
            throw StorageFaults.WriteFailed(e, sent: false);
        }
        await using (connection)
        {
            await using var batch = connection.CreateBatch();
            add(batch);
            try
            {
                await batch.ExecuteNonQueryAsync();
            }
            catch (Exception e) when (StorageFaults.IsOutage(e))
            {
                throw StorageFaults.WriteFailed(e, sent: true);
            }
        }
    }

    private async Task Write()
    {
        var group = new List<Pending>(MostCallers);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MostCallers && _queue.Reader.TryRead(out var pending)) group.Add(pending);
            if (group.Count == 0) continue;
            try
            {
                await Alone(_database, batch => group.ForEach(p => p.Add(batch)));
                group.ForEach(p => p.Done.TrySetResult());
            }
            catch (PostgresException) when (group.Count > 1)
            {
                // One caller's statement failed the transaction: none of it was written. Each on its own, then.
                foreach (var pending in group) await Settle(pending);
            }
            catch (Exception e)
            {
                group.ForEach(p => p.Done.TrySetException(e));
            }
        }
    }

    private async Task Settle(Pending pending)
    {
        try
        {
            await Alone(_database, pending.Add);
            pending.Done.TrySetResult();
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Writes already queued are committed before the silo's database goes.
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private sealed record Pending(Action<NpgsqlBatch> Add, TaskCompletionSource Done);
}
