using HoMM.Core.Trials;

namespace HoMM.Storage.Relational;

// The relational model. These classes never leave the storage project: the store maps them to
// Core's FrozenTrial and the records of ITrialStore. Times are UTC; NaN reals are stored as
// NULL because SQLite turns NaN into NULL anyway, and PostgreSQL then behaves the same.

internal sealed class StudyEntity
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public StudyDirection Direction { get; set; }
    public required string ObjectiveMetric { get; set; }

    /// <summary>[{"metric":…,"direction":…}, …] of a multi-objective study; null for one objective (schema v2).</summary>
    public string? ObjectivesJson { get; set; }
    public required string SearchSpaceJson { get; set; }
    public required string SearchSpaceFingerprint { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The number the next trial gets; bumped in the trial's creating transaction.</summary>
    public int NextTrialNumber { get; set; }

    /// <summary>The study's change sequence: every write to the study's trials increments it
    /// first, which also serialises those writes per study (the row lock in PostgreSQL).</summary>
    public long Revision { get; set; }
}

internal sealed class TrialEntity
{
    public long Id { get; set; }
    public long StudyId { get; set; }
    public StudyEntity? Study { get; set; }
    public int Number { get; set; }
    public TrialState State { get; set; }
    public double? Value { get; set; }

    /// <summary>One value per objective of a Complete multi-objective trial, a JSON array; null otherwise (schema v2).</summary>
    public string? ValuesJson { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The study's revision at this trial's last change (the dashboard's cursor).</summary>
    public long ChangeSeq { get; set; }
}

/// <summary>
/// Who runs a trial (the dispatcher's lease) and when it was last handed to the queue. Kept apart
/// from the trial row: heartbeats renew it every few seconds, which must not move the study's
/// change cursor (the dashboard would redraw for nothing). A row appears with the first claim.
/// </summary>
internal sealed class TrialLeaseEntity
{
    public long TrialId { get; set; }
    public TrialEntity? Trial { get; set; }

    /// <summary>The dispatcher holding the lease; null when nobody does.</summary>
    public string? Owner { get; set; }

    /// <summary>When the lease ends unless renewed; past or null: anyone may claim the trial.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>When a reconciler last queued the trial again after its lease ran out.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
}

internal sealed class TrialParamEntity
{
    public long TrialId { get; set; }
    public TrialEntity? Trial { get; set; }
    public required string Name { get; set; }

    /// <summary>The sampler's internal representation (categorical: the index).</summary>
    public double InternalValue { get; set; }

    public required string DistributionJson { get; set; }
}

internal sealed class IntermediateValueEntity
{
    public long Id { get; set; }
    public long TrialId { get; set; }
    public TrialEntity? Trial { get; set; }
    public long Step { get; set; }
    public required string Metric { get; set; }
    public double? Value { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
}

internal sealed class TrialAttemptEntity
{
    public long Id { get; set; }
    public long TrialId { get; set; }
    public TrialEntity? Trial { get; set; }
    public int Number { get; set; }
    public required string Node { get; set; }
    public required string Slot { get; set; }
    public string? WorkerId { get; set; }
    public int? Pid { get; set; }
    public int? ProcessGroup { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int? ExitCode { get; set; }
    public string? Reason { get; set; }
}

internal sealed class TrialAttrEntity
{
    public long TrialId { get; set; }
    public TrialEntity? Trial { get; set; }
    public AttrScope Scope { get; set; }
    public required string Key { get; set; }
    public required string ValueJson { get; set; }
}

internal sealed class StudyAttrEntity
{
    public long StudyId { get; set; }
    public StudyEntity? Study { get; set; }
    public AttrScope Scope { get; set; }
    public required string Key { get; set; }
    public required string ValueJson { get; set; }
}

internal sealed class WorkerHeartbeatEntity
{
    public required string WorkerId { get; set; }
    public required string Node { get; set; }
    public int Pid { get; set; }
    public int Slots { get; set; }
    public string? Info { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class SchemaVersionEntity
{
    public int Version { get; set; }
    public DateTimeOffset AppliedAt { get; set; }

    /// <summary>Which program applied it (helps when a newer one was used on this file).</summary>
    public required string AppliedBy { get; set; }
}
