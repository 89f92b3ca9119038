namespace Buurtzorg.Storage;

/// <summary>What <see cref="SchemaMigrator.ApplyAsync"/> found and did.</summary>
public sealed class MigrationReport(IReadOnlyList<SchemaMigration> appliedNow, IReadOnlyList<SchemaMigration> alreadyApplied)
{
    /// <summary>The migrations this call applied, in order.</summary>
    public IReadOnlyList<SchemaMigration> AppliedNow { get; } = appliedNow;

    /// <summary>The migrations the database already had (checksums verified).</summary>
    public IReadOnlyList<SchemaMigration> AlreadyApplied { get; } = alreadyApplied;

    /// <summary>The highest migration version now in the database (of those this build knows).</summary>
    public int CurrentVersion => AppliedNow.Concat(AlreadyApplied).Select(m => m.Version).DefaultIfEmpty(0).Max();

    public override string ToString() =>
        $"version {CurrentVersion}; applied now: {Names(AppliedNow)}; already applied: {Names(AlreadyApplied)}";

    private static string Names(IReadOnlyList<SchemaMigration> migrations) =>
        migrations.Count == 0 ? "none" : string.Join(", ", migrations);
}
