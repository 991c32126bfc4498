using HoMM.Testing;

namespace HoMM.Storage.Tests.Postgres;

/// <summary>The test classes that share one throwaway PostgreSQL server (started once, stopped at the end).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
