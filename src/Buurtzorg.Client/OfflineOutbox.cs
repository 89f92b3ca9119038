using Buurtzorg.Api.V1;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Buurtzorg.Client;

/// <summary>
/// The writes a nurse made without a signal, kept in a local SQLite file in the order she made them, each with the
/// request id it was given then, until the service has answered them (<c>SyncService/Upload</c>). The file outlives the
/// app: a tablet that restarts opens it again and finds what it had not sent. An item the service applied (or had
/// applied before) leaves the outbox; one it refused stays, with its reason, for the nurse to see and dismiss — never
/// dropped silently; one it could not reach stays pending, to be sent again with the same request id.
/// </summary>
public sealed class OfflineOutbox : IDisposable
{
    /// <summary>Items per upload: the service takes at most 200.</summary>
    public const int BatchSize = 200;

    private readonly SqliteConnection _connection;

    private OfflineOutbox(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens the outbox in <paramref name="path"/>, creating it the first time.</summary>
    public static OfflineOutbox Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            CREATE TABLE IF NOT EXISTS pending (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                request_id TEXT NOT NULL UNIQUE,
                item BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS refused (
                request_id TEXT PRIMARY KEY,
                item BLOB NOT NULL,
                status TEXT NOT NULL,
                message TEXT NOT NULL,
                reason TEXT NOT NULL);
            """;
        create.ExecuteNonQuery();
        return new OfflineOutbox(connection);
    }

    /// <summary>
    /// Keeps a write made offline, after those kept before it. The same request id kept twice is kept once (an app
    /// saving again after a crash adds nothing). A write without a request id is refused: without one it could not be
    /// sent again safely.
    /// </summary>
    public void Add(UploadItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var requestId = RequestIdOf(item);
        using var insert = _connection.CreateCommand();
        insert.CommandText = "INSERT INTO pending (request_id, item) VALUES ($id, $item) ON CONFLICT (request_id) DO NOTHING";
        insert.Parameters.AddWithValue("$id", requestId);
        insert.Parameters.AddWithValue("$item", item.ToByteArray());
        insert.ExecuteNonQuery();
    }

    /// <summary>The writes not yet answered, in the order they were made.</summary>
    public IReadOnlyList<UploadItem> Pending()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT item FROM pending ORDER BY position";
        using var rows = select.ExecuteReader();
        var items = new List<UploadItem>();
        while (rows.Read()) items.Add(UploadItem.Parser.ParseFrom((byte[])rows[0]));
        return items;
    }

    /// <summary>The writes the service refused, with its reason, until the app dismisses them.</summary>
    public IReadOnlyList<RefusedWrite> Refused()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT item, status, message, reason FROM refused ORDER BY rowid";
        using var rows = select.ExecuteReader();
        var refused = new List<RefusedWrite>();
        while (rows.Read())
            refused.Add(new RefusedWrite(UploadItem.Parser.ParseFrom((byte[])rows[0]), rows.GetString(1), rows.GetString(2), rows.GetString(3)));
        return refused;
    }

    /// <summary>The nurse has seen a refused write (and entered it again corrected, or not): it leaves the outbox.</summary>
    public void Dismiss(string requestId)
    {
        using var delete = _connection.CreateCommand();
        delete.CommandText = "DELETE FROM refused WHERE request_id = $id";
        delete.Parameters.AddWithValue("$id", requestId);
        delete.ExecuteNonQuery();
    }

    /// <summary>
    /// Sends what is pending, in order, in batches of at most <see cref="BatchSize"/>, and files each answer: applied and
    /// already applied leave the outbox, refused move to <see cref="Refused"/>, unavailable and not tried stay pending.
    /// Safe to call again at any time (after a lost answer, a crash half-way): each item keeps its request id. A call
    /// that fails whole (no signal yet) throws the gRPC status and leaves everything as it was.
    /// </summary>
    public async Task<IReadOnlyList<UploadResult>> SyncAsync(SyncService.SyncServiceClient sync, string teamId,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var answered = new List<UploadResult>();
        var pending = Pending();
        for (var start = 0; start < pending.Count; start += BatchSize)
        {
            var batch = pending.Skip(start).Take(BatchSize).ToList();
            var response = await sync.UploadAsync(new UploadRequest { TeamId = teamId, Items = { batch } }, cancellationToken: cancellation);
            Settle(batch, response.Results);
            answered.AddRange(response.Results);
            // What could not be reached now will not be reached by the next batch either.
            if (response.Results.Any(r => r.Outcome is UploadOutcome.Unavailable or UploadOutcome.NotTried)) break;
        }
        return answered;
    }

    private void Settle(IReadOnlyList<UploadItem> batch, IReadOnlyList<UploadResult> results)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var (item, result) in batch.Zip(results))
        {
            if (result.Outcome is UploadOutcome.Unavailable or UploadOutcome.NotTried or UploadOutcome.Unspecified) continue;
            if (result.Outcome == UploadOutcome.Refused)
            {
                using var keep = _connection.CreateCommand();
                keep.Transaction = transaction;
                keep.CommandText = """
                    INSERT INTO refused (request_id, item, status, message, reason) VALUES ($id, $item, $status, $message, $reason)
                    ON CONFLICT (request_id) DO UPDATE SET status = excluded.status, message = excluded.message, reason = excluded.reason
                    """;
                keep.Parameters.AddWithValue("$id", result.RequestId);
                keep.Parameters.AddWithValue("$item", item.ToByteArray());
                keep.Parameters.AddWithValue("$status", result.Status);
                keep.Parameters.AddWithValue("$message", result.Message);
                keep.Parameters.AddWithValue("$reason", result.Reason.ToString());
                keep.ExecuteNonQuery();
            }
            using var done = _connection.CreateCommand();
            done.Transaction = transaction;
            done.CommandText = "DELETE FROM pending WHERE request_id = $id";
            done.Parameters.AddWithValue("$id", result.RequestId);
            done.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>The request id of the write an item carries, whichever it is.</summary>
    public static string RequestIdOf(UploadItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var write = UploadItem.Descriptor.Oneofs[0].Accessor.GetCaseFieldDescriptor(item)
            ?? throw new ArgumentException("The item carries no write.", nameof(item));
        var request = (IMessage)write.Accessor.GetValue(item);
        var requestId = request.Descriptor.FindFieldByName("request_id")?.Accessor.GetValue(request) as string;
        return string.IsNullOrWhiteSpace(requestId)
            ? throw new ArgumentException("A write kept offline needs its request id, given when it was made.", nameof(item))
            : requestId;
    }

    /// <summary>Closes the file; what it holds stays for the next <see cref="Open"/>.</summary>
    public void Dispose() => _connection.Dispose();
}

/// <summary>A write the service refused: the item as kept, the status the single call would have had, and why.</summary>
public sealed record RefusedWrite(UploadItem Item, string Status, string Message, string Reason);
