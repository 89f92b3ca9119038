using Buurtzorg.Grains;
using Npgsql;

namespace Buurtzorg.Baseline;

/// <summary>
/// What the baseline answers when PostgreSQL cannot be reached: UNAVAILABLE with a message a nurse's app can show (the
/// error interceptor maps it), never the driver's exception. An error PostgreSQL itself answered is a fault of ours
/// and is left to surface as INTERNAL.
/// </summary>
internal static class Storage
{
    private const string NotReachable = "The care records store is not reachable just now. Please try again in a moment.";

    private const string MayHaveSaved =
        "The care records store stopped answering while saving: the visit may have been saved. Send it again with the " +
        "same request id; it will not be recorded twice.";

    public static async Task<T> Read<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StorageUnavailableException(NotReachable);
        }
    }

    /// <summary>A write whose outcome is unknown once sent: the answer says it is safe to send again.</summary>
    public static async Task<T> Write<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new StorageUnavailableException(MayHaveSaved, outcomeUnknown: true);
        }
    }

    private static bool IsOutage(Exception e) => e is NpgsqlException and not PostgresException || e is TimeoutException;
}
