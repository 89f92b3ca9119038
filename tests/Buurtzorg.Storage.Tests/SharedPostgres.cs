using Buurtzorg.TestSupport;

namespace Buurtzorg.Storage.Tests;

/// <summary>One throwaway PostgreSQL server for the whole project; every test takes its own fresh database.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPostgres : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
