namespace Buurtzorg.Grains;

/// <summary>
/// Storage could not take or give the data just now (the database is unreachable, or another activation wrote
/// first). Nothing was changed; the same request can be retried.
/// </summary>
[GenerateSerializer, Alias("buurtzorg.storage-unavailable")]
public sealed class StorageUnavailableException(string message) : Exception(message);
