namespace Buurtzorg.Storage;

/// <summary>The schema cannot be brought up to date safely: a migration failed, or an applied one was edited.</summary>
public sealed class SchemaMigrationException : Exception
{
    public SchemaMigrationException()
    {
    }

    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
