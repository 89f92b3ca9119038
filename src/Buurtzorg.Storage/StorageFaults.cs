using Buurtzorg.Grains;
using Npgsql;

namespace Buurtzorg.Storage;

/// <summary>
/// The one mapping of PostgreSQL's faults to what a caller can act on: an outage (the server unreachable, going away,
/// out of connections) becomes a <see cref="StorageUnavailableException"/> with an honest message, and nothing of the
/// driver's exception travels on (it cannot cross silos, and its message may quote values). A statement PostgreSQL
/// refused (a unique violation, say) is not an outage: it stays for the caller to handle.
/// </summary>
public static class StorageFaults
{
    public const string NotReachable =
        "The care records store is not reachable just now. Nothing was saved; please try again in a moment.";

    public const string MayHaveBeenSaved =
        "The care records store stopped answering while saving. It may have been saved: try again with the same request id, and it is kept once.";

    public const string ReadFailed = "The care records store is not reachable just now. Please try again in a moment.";

    /// <summary>
    /// Whether a failure is the database being unreachable or going away, rather than a statement it refused:
    /// connection exceptions (SQLSTATE class 08), insufficient resources (53, e.g. too many clients), operator
    /// intervention (57, e.g. shutting down), system errors (58), and any failure of the connection itself.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        PostgresException p => p.SqlState.Length == 5 && p.SqlState[..2] is "08" or "53" or "57" or "58",
        NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or System.IO.IOException => true,
        _ => false,
    };

    /// <summary>
    /// What a failed write leaves: when PostgreSQL answered with an error, its transaction rolled back and nothing was
    /// saved; when the connection broke after the statements were <paramref name="sent"/> and nothing answered, the
    /// commit may or may not have happened.
    /// </summary>
    public static StorageUnavailableException WriteFailed(Exception e, bool sent) =>
        sent && e is not PostgresException ? new(MayHaveBeenSaved, outcomeUnknown: true) : new(NotReachable);

    /// <summary>
    /// What a failed write leaves when the caller cannot tell whether its statement left: a write that never reached
    /// the server (<see cref="NeverSent"/>) or that the server refused saved nothing; any other broken connection may
    /// have broken after the commit.
    /// </summary>
    public static StorageUnavailableException WriteFailed(Exception e) => WriteFailed(e, sent: !NeverSent(e));

    /// <summary>Whether <paramref name="e"/> or any exception inside it is an outage (<see cref="IsOutage"/>).</summary>
    public static bool IsOutageAnywhere(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (IsOutage(inner)) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a failure shows the write never reached PostgreSQL or was refused by it: the server answered with an
    /// error (its transaction rolled back), the connection could not be opened (refused, no route, no such host), or no
    /// pooled connection was free in time. Anything else (a connection reset or a timeout mid-statement) may have
    /// broken after the commit.
    /// </summary>
    public static bool NeverSent(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException:
                    return true;
                case System.Net.Sockets.SocketException socket when socket.SocketErrorCode is
                    System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or
                    System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable or
                    System.Net.Sockets.SocketError.TryAgain or System.Net.Sockets.SocketError.AddressNotAvailable:
                    return true;
                case NpgsqlException when inner.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal):
                    return true;
            }
        }
        return false;
    }

    /// <summary>Runs a read, turning an outage into <see cref="StorageUnavailableException"/>.</summary>
    public static async Task<T> Reading<T>(Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return await read();
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StorageUnavailableException(ReadFailed);
        }
    }
}
