using Buurtzorg.TestSupport;

namespace Buurtzorg.Storage.Tests;

[Collection(SharedPostgres.Name)]
public sealed class ReminderTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_registered_reminder_is_read_back_and_unregistered()
    {
        var database = await postgres.MigratedAsync("reminders");
        await using var silo = await SiloHarness.StartAsync(database, "reminders");
        var holder = silo.Grains.GetGrain<IReminderHolderGrain>("client-17");

        await holder.Remind("review-care-plan", TimeSpan.FromMinutes(30));
        await holder.Remind("reablement-ends", TimeSpan.FromDays(42)); // more milliseconds than an int holds
        await holder.Remind("review-care-plan", TimeSpan.FromMinutes(60)); // an update, not a second row

        Assert.Equal(["reablement-ends", "review-care-plan"], await holder.Reminders());
        Assert.Equal(
            ["reablement-ends | 3628800000", "review-care-plan | 3600000"],
            await Database.LinesAsync(database, "SELECT reminder_name, period_ms FROM orleans_reminder ORDER BY reminder_name"));

        await holder.Forget("review-care-plan");

        Assert.Equal(["reablement-ends"], await holder.Reminders());
        Assert.Equal(["reablement-ends"], await Database.LinesAsync(database, "SELECT reminder_name FROM orleans_reminder"));
    }

    [Fact]
    public async Task Reminders_are_read_by_ranges_of_the_hash_ring_and_removed_only_with_their_current_etag()
    {
        var database = await postgres.MigratedAsync("reminder_ring");
        await using var silo = await SiloHarness.StartAsync(database, "ring");
        var table = silo.Services.GetRequiredService<IReminderTable>();
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("holder", $"client-{i}")).ToList();
        var etags = new Dictionary<GrainId, string>();
        foreach (var grain in grains)
        {
            etags[grain] = (await table.UpsertRow(new ReminderEntry
            {
                GrainId = grain,
                ReminderName = "visit",
                StartAt = DateTime.UtcNow.AddMinutes(5),
                Period = TimeSpan.FromMinutes(10),
            }))!;
        }

        // Ranges are (begin, end] on the ring of unsigned hashes; begin = end is the whole ring.
        static bool InRange(uint hash, uint begin, uint end) =>
            begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        (uint Begin, uint End)[] ranges =
        [
            (0, 0),
            (hashes[5], hashes[20]),                       // an ordinary range
            (hashes[20], hashes[5]),                       // one that wraps past zero
            (0x7FFF_FFF0, 0x8000_0010),                    // one that crosses the signed boundary
            (0x8000_0010, 0x7FFF_FFF0),
            (hashes[30], hashes[30]),
        ];
        foreach (var (begin, end) in ranges)
        {
            var read = await table.ReadRows(begin, end);
            Assert.Equal(
                grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal),
                read.Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal));
        }

        var first = grains[0];
        var entry = await table.ReadRow(first, "visit");
        Assert.NotNull(entry);
        Assert.Equal(etags[first], entry.ETag);
        Assert.Equal(DateTimeKind.Utc, entry.StartAt.Kind);

        var renewed = await table.UpsertRow(new ReminderEntry { GrainId = first, ReminderName = "visit", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(20) });
        Assert.NotEqual(etags[first], renewed);
        Assert.False(await table.RemoveRow(first, "visit", etags[first]));
        Assert.True(await table.RemoveRow(first, "visit", renewed!));
        Assert.Null(await table.ReadRow(first, "visit"));
        Assert.Empty((await table.ReadRows(first)).Reminders);
    }
}
