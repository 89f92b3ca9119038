namespace Buurtzorg.Grains;

/// <summary>
/// Storage could not take or give the data just now (the database is unreachable, or another activation wrote
/// first). The message says what the caller can rely on: nothing was changed, or — when the connection broke after a
/// write was sent (<see cref="OutcomeUnknown"/>) — that it may have been saved and is safe to send again with the same
/// request id. It never carries the driver's exception, which could not cross silos and may quote values.
/// </summary>
[GenerateSerializer, Alias("buurtzorg.storage-unavailable")]
public sealed class StorageUnavailableException(string message, bool outcomeUnknown = false) : Exception(message)
{
    /// <summary>A write was sent and the connection broke before PostgreSQL answered: it may have committed.</summary>
    [Id(0)]
    public bool OutcomeUnknown { get; init; } = outcomeUnknown;

    /// <summary>
    /// The grain that answered saved its own part and finishes the rest itself (a team's pending step): what it holds
    /// is what is stored, so it stays active; only the other grain's part is unknown to the caller.
    /// </summary>
    [Id(1)]
    public bool FinishedByItself { get; init; }

    /// <summary>
    /// The <see cref="StorageUnavailableException"/> that <paramref name="e"/> is or carries: Orleans wraps what grain
    /// storage throws (a state that could not be read as a grain activated) in its own exception.
    /// </summary>
    public static StorageUnavailableException? Within(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is StorageUnavailableException unavailable) return unavailable;
        }
        return null;
    }
}
