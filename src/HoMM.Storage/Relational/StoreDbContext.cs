using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace HoMM.Storage.Relational;

/// <summary>
/// The EF Core model. Table and column names are snake_case, which both SQLite and PostgreSQL
/// accept unquoted, so a person can query the database by hand. Enums are stored by name, so
/// reordering an enum never reinterprets stored rows.
/// </summary>
internal sealed class StoreDbContext(DbContextOptions<StoreDbContext> options) : DbContext(options)
{
    public DbSet<StudyEntity> Studies => Set<StudyEntity>();
    public DbSet<TrialEntity> Trials => Set<TrialEntity>();
    public DbSet<TrialParamEntity> Params => Set<TrialParamEntity>();
    public DbSet<TrialLeaseEntity> Leases => Set<TrialLeaseEntity>();
    public DbSet<IntermediateValueEntity> IntermediateValues => Set<IntermediateValueEntity>();
    public DbSet<TrialAttemptEntity> Attempts => Set<TrialAttemptEntity>();
    public DbSet<TrialAttrEntity> TrialAttrs => Set<TrialAttrEntity>();
    public DbSet<StudyAttrEntity> StudyAttrs => Set<StudyAttrEntity>();
    public DbSet<WorkerHeartbeatEntity> Workers => Set<WorkerHeartbeatEntity>();
    public DbSet<SchemaVersionEntity> SchemaVersions => Set<SchemaVersionEntity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no time type: EF would store text, which it cannot compare or order in SQL.
        // Unix milliseconds compare, order and read back exactly (to the millisecond).
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StudyEntity>(e =>
        {
            e.ToTable("studies");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Direction).HasConversion<string>();
        });

        modelBuilder.Entity<TrialEntity>(e =>
        {
            e.ToTable("trials");
            e.HasOne(x => x.Study).WithMany().HasForeignKey(x => x.StudyId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.StudyId, x.Number }).IsUnique();
            e.HasIndex(x => new { x.StudyId, x.ChangeSeq });
            e.HasIndex(x => new { x.StudyId, x.State });
            e.Property(x => x.State).HasConversion<string>();
        });

        modelBuilder.Entity<TrialLeaseEntity>(e =>
        {
            e.ToTable("trial_leases");
            e.HasKey(x => x.TrialId);
            e.Property(x => x.TrialId).ValueGeneratedNever();
            e.HasOne(x => x.Trial).WithOne().HasForeignKey<TrialLeaseEntity>(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TrialParamEntity>(e =>
        {
            e.ToTable("trial_params");
            e.HasKey(x => new { x.TrialId, x.Name });
            e.HasOne(x => x.Trial).WithMany().HasForeignKey(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<IntermediateValueEntity>(e =>
        {
            e.ToTable("intermediate_values");
            e.HasOne(x => x.Trial).WithMany().HasForeignKey(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.TrialId, x.Metric, x.Step }).IsUnique();
        });

        modelBuilder.Entity<TrialAttemptEntity>(e =>
        {
            e.ToTable("trial_attempts");
            e.HasOne(x => x.Trial).WithMany().HasForeignKey(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.TrialId, x.Number }).IsUnique();
        });

        modelBuilder.Entity<TrialAttrEntity>(e =>
        {
            e.ToTable("trial_attrs");
            e.HasKey(x => new { x.TrialId, x.Scope, x.Key });
            e.HasOne(x => x.Trial).WithMany().HasForeignKey(x => x.TrialId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.Scope).HasConversion<string>();
        });

        modelBuilder.Entity<StudyAttrEntity>(e =>
        {
            e.ToTable("study_attrs");
            e.HasKey(x => new { x.StudyId, x.Scope, x.Key });
            e.HasOne(x => x.Study).WithMany().HasForeignKey(x => x.StudyId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.Scope).HasConversion<string>();
        });

        modelBuilder.Entity<WorkerHeartbeatEntity>(e =>
        {
            e.ToTable("worker_heartbeats");
            e.HasKey(x => x.WorkerId);
        });

        modelBuilder.Entity<SchemaVersionEntity>(e =>
        {
            e.ToTable("schema_version");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).ValueGeneratedNever();
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.Name));
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    private sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));
}
