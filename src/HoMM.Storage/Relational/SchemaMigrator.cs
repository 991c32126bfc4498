using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace HoMM.Storage.Relational;

/// <summary>
/// Our own small migration runner (EF migrations need design-time tooling and per-provider
/// snapshots; we need only "create, check, upgrade"). Runs in one write transaction, so two
/// processes opening a fresh database at once create the schema once.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>
    /// Upgrade steps: element i takes the schema from version i + 1 to i + 2. Append only; never
    /// edit a shipped step. Each step runs in the same transaction as the version bump.
    /// </summary>
    private static readonly Func<StoreDbContext, CancellationToken, Task>[] Upgrades =
    [
        // v2: multi-objective studies. Both columns are nullable, so every v1 study reads as a
        // single-objective one, exactly as before.
        (db, ct) => AddColumnsAsync(db, ct, (typeof(StudyEntity), nameof(StudyEntity.ObjectivesJson)), (typeof(TrialEntity), nameof(TrialEntity.ValuesJson))),
        // v3: trial_leases, the dispatcher's leases (who runs a trial, until when). IF NOT EXISTS:
        // a database whose version row was set back by hand (tests do) keeps its table.
        (db, ct) => db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite()
            ? """
              CREATE TABLE IF NOT EXISTS trial_leases (
                  trial_id INTEGER NOT NULL CONSTRAINT "PK_trial_leases" PRIMARY KEY,
                  owner TEXT NULL,
                  lease_until INTEGER NULL,
                  dispatched_at INTEGER NULL,
                  CONSTRAINT "FK_trial_leases_trials_trial_id" FOREIGN KEY (trial_id) REFERENCES trials (id) ON DELETE CASCADE)
              """
            : """
              CREATE TABLE IF NOT EXISTS trial_leases (
                  trial_id bigint NOT NULL CONSTRAINT "PK_trial_leases" PRIMARY KEY,
                  owner text NULL,
                  lease_until timestamp with time zone NULL,
                  dispatched_at timestamp with time zone NULL,
                  CONSTRAINT "FK_trial_leases_trials_trial_id" FOREIGN KEY (trial_id) REFERENCES trials (id) ON DELETE CASCADE)
              """, ct),
    ];

    /// <summary>Adds nullable text columns named as the model names them (the same statement works in SQLite and PostgreSQL).</summary>
    private static async Task AddColumnsAsync(StoreDbContext db, CancellationToken cancellationToken, params (Type Entity, string Property)[] columns)
    {
        foreach (var (entity, property) in columns)
        {
            var type = db.Model.FindEntityType(entity)!;
            var table = type.GetTableName()!;
            var column = type.FindProperty(property)!.GetColumnName();
#pragma warning disable EF1002 // names come from our own model, not from input
            await db.Database.ExecuteSqlRawAsync($"ALTER TABLE \"{table}\" ADD COLUMN \"{column}\" TEXT NULL", cancellationToken);
#pragma warning restore EF1002
        }
    }

    public static int CurrentVersion => 1 + Upgrades.Length;

    // Generating the script runs EF's migrations SQL generator (tens of milliseconds); the
    // script depends only on the provider.
    private static readonly ConcurrentDictionary<string, string> CreateScripts = new(StringComparer.Ordinal);

    public static async Task MigrateAsync(
        StoreDbContext db,
        IDbContextTransaction transaction,
        IReadOnlySet<string> existingTables,
        string databaseDescription,
        DateTimeOffset now,
        bool createSchema,
        CancellationToken cancellationToken)
    {
        if (await CheckAsync(db, existingTables, databaseDescription, createSchema, cancellationToken) is not { } version)
        {
            var script = CreateScripts.GetOrAdd(db.Database.ProviderName ?? "", _ => db.Database.GenerateCreateScript());
            await ExecuteAsync(db, transaction, script, cancellationToken);
            db.SchemaVersions.Add(new SchemaVersionEntity { Version = CurrentVersion, AppliedAt = now, AppliedBy = AppliedBy });
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        for (var v = version; v < CurrentVersion; v++)
        {
            await Upgrades[v - 1](db, cancellationToken);
            db.SchemaVersions.Add(new SchemaVersionEntity { Version = v + 1, AppliedAt = now, AppliedBy = AppliedBy });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// For a reader that must not write: the schema is there and at <see cref="CurrentVersion"/>,
    /// else a <see cref="StoreEmptyException"/> or <see cref="StoreSchemaException"/> says why.
    /// </summary>
    public static async Task CheckReadableAsync(StoreDbContext db, IReadOnlySet<string> existingTables, string databaseDescription, CancellationToken cancellationToken)
    {
        var version = await CheckAsync(db, existingTables, databaseDescription, createSchema: false, cancellationToken);
        if (version < CurrentVersion)
        {
            throw new StoreSchemaException(
                $"{databaseDescription} has schema version {version} and this homm-search reads version {CurrentVersion}; " +
                "a command that only reads never upgrades it: run a study against it once (homm-search run) to upgrade.");
        }
    }

    /// <summary>The schema version found, or null when the database has none of our tables and <paramref name="createSchema"/> allows creating them.</summary>
    private static async Task<int?> CheckAsync(
        StoreDbContext db, IReadOnlySet<string> existingTables, string databaseDescription, bool createSchema, CancellationToken cancellationToken)
    {
        var ours = db.Model.GetEntityTypes().Select(e => e.GetTableName()!).ToHashSet(StringComparer.Ordinal);
        var versionTable = db.Model.FindEntityType(typeof(SchemaVersionEntity))!.GetTableName()!;

        // Other tables (a queue's, a user's) may share the database; only ours decide.
        if (!existingTables.Overlaps(ours))
        {
            if (!createSchema)
                throw new StoreEmptyException($"{databaseDescription} has no homm-search tables: no study was ever run against it");
            return null;
        }

        if (!existingTables.Contains(versionTable))
        {
            throw new StoreSchemaException(
                $"{databaseDescription} has tables named like homm-search's ({string.Join(", ", existingTables.Intersect(ours).Order())}) " +
                $"but no {versionTable} table, so it was not made by homm-search or is damaged. Point --db at a new file.");
        }

        var version = await db.SchemaVersions.MaxAsync(v => (int?)v.Version, cancellationToken) ?? 0;
        if (version > CurrentVersion)
        {
            throw new StoreSchemaException(
                $"{databaseDescription} has schema version {version}, but this homm-search understands versions up to {CurrentVersion}. " +
                "It was written by a newer homm-search: upgrade homm-search to use it (older versions never modify a newer schema).");
        }
        if (version < 1)
            throw new StoreSchemaException($"{databaseDescription} has an empty {versionTable} table; the database is damaged.");
        return version;
    }

    private static string AppliedBy => "homm-search " + typeof(SchemaMigrator).Assembly.GetName().Version;

    private static async Task ExecuteAsync(StoreDbContext db, IDbContextTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        // Through the connection, not ExecuteSqlRaw, which would treat braces as placeholders.
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
