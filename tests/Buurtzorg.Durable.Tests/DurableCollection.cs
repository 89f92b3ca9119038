using Buurtzorg.TestSupport;

namespace Buurtzorg.Durable.Tests;

/// <summary>One throwaway PostgreSQL server for every durable test; each test takes its own fresh database.</summary>
[CollectionDefinition(Name)]
public sealed class DurableDatabase : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
