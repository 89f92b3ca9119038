using Buurtzorg.TestSupport;

namespace Buurtzorg.Storage.Tests;

[Collection(SharedPostgres.Name)]
public sealed class MigrationTests(PostgresServer postgres)
{
    [Fact]
    public async Task Applying_twice_leaves_one_schema_and_the_second_run_applies_nothing()
    {
        var database = await postgres.CreateDatabaseAsync("twice");

        var first = await SchemaMigrator.ApplyAsync(database);
        var afterFirst = await Fingerprint(database);
        var second = await SchemaMigrator.ApplyAsync(database);

        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), first.AppliedNow.Select(m => m.Version));
        Assert.Empty(first.AlreadyApplied);
        Assert.Empty(second.AppliedNow);
        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), second.AlreadyApplied.Select(m => m.Version));
        Assert.Equal(SchemaMigrator.Migrations.Count, second.CurrentVersion);
        Assert.Equal(afterFirst, await Fingerprint(database));
        foreach (var table in (string[])["orleansquery", "orleans_membership_version", "orleans_membership", "orleans_grain_state", "orleans_reminder", "record_journal", "record_snapshot", "schema_migrations"])
            Assert.Contains($"table {table}", afterFirst);
    }

    [Fact]
    public async Task Four_silos_migrating_at_once_leave_one_schema_with_each_version_recorded_once()
    {
        var reference = await postgres.CreateDatabaseAsync("reference");
        await SchemaMigrator.ApplyAsync(reference);
        var database = await postgres.CreateDatabaseAsync("concurrent");

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(database))));

        // Whoever took the lock first applied everything; the others waited and found nothing to do.
        var applied = reports.SelectMany(r => r.AppliedNow).Select(m => m.Version).ToList();
        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), applied);
        Assert.Single(reports, r => r.AppliedNow.Count > 0);
        Assert.Equal(
            SchemaMigrator.Migrations.Select(m => $"{m.Version} | {m.Name} | {m.Checksum}"),
            await Database.LinesAsync(database, "SELECT version, name, checksum FROM schema_migrations ORDER BY version"));
        Assert.Equal(await Fingerprint(reference), await Fingerprint(database));
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused()
    {
        var database = await postgres.MigratedAsync("edited");
        await Database.ExecuteAsync(database, "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 2");

        var refused = await Assert.ThrowsAsync<SchemaMigrationException>(() => SchemaMigrator.ApplyAsync(database));

        Assert.Contains(SchemaMigrator.Migrations[1].ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Contains("Never edit an applied migration", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_query_key_the_three_orleans_providers_look_up_is_installed()
    {
        var database = await postgres.MigratedAsync("keys");
        string[] clustering = ["MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey"];
        string[] persistence = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];
        string[] reminders = ["ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey"];

        // Exactly the statement the providers run at start.
        var installed = await Database.LinesAsync(database, "SELECT QueryKey FROM OrleansQuery ORDER BY 1");

        Assert.Equal(clustering.Concat(persistence).Concat(reminders).Order(StringComparer.Ordinal), installed.Order(StringComparer.Ordinal));
    }

    /// <summary>Everything a migration creates, one line each, so two databases can be compared.</summary>
    private static async Task<List<string>> Fingerprint(string database) => await Database.LinesAsync(database, """
        SELECT line FROM (
            SELECT format('table %s', table_name) AS line
            FROM information_schema.tables WHERE table_schema = 'public'
            UNION ALL
            SELECT format('column %s.%s %s null=%s default=%s', table_name, column_name, data_type, is_nullable, column_default)
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL
            SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL
            SELECT format('trigger %s on %s enabled=%s', tgname, tgrelid::regclass, tgenabled)
            FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL
            SELECT format('function %s', oid::regprocedure) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            UNION ALL
            SELECT format('sequence %s', sequence_name) FROM information_schema.sequences WHERE sequence_schema = 'public'
            UNION ALL
            SELECT format('query %s %s', querykey, md5(querytext)) FROM orleansquery
            UNION ALL
            SELECT format('migration %s %s %s', version, name, checksum) FROM schema_migrations
        ) AS schema
        ORDER BY line COLLATE "C"
        """);
}
