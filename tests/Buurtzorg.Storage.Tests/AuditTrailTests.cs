using System.Collections.Concurrent;
using Buurtzorg.Grains.Security;
using Buurtzorg.Storage.Journal;
using Buurtzorg.TestSupport;
using Npgsql;

namespace Buurtzorg.Storage.Tests;

/// <summary>The audit trail in PostgreSQL: lines written together in one round trip, read back a page at a time.</summary>
[Collection(SharedPostgres.Name)]
public sealed class AuditTrailTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = new(2026, 7, 14, 7, 0, 0, TimeSpan.Zero);

    private static AccessRecord Line(string clientId, int n) =>
        new(At.AddSeconds(n), clientId, $"nurse-{n:D5}", Role.Nurse, "team-1", "read record (my day)", null);

    [Fact]
    public async Task Lines_written_together_take_one_round_trip_and_page_back_every_line_once_in_order()
    {
        var connectionString = await postgres.MigratedAsync("audit_pages");
        await using var database = NpgsqlDataSource.Create(connectionString);
        var audit = new PostgresAuditTrail(database);
        var batches = new ConcurrentQueue<string>();

        using (GroupCommitTests.Listen(batches))
            await audit.RecordAll([.. Enumerable.Range(1, 12).Select(n => Line(n % 2 == 0 ? "client-a" : "client-b", n))]);
        Assert.Single(batches, b => !b.StartsWith("CONNECT", StringComparison.Ordinal)); // opening the connection aside

        // Two records' lines interleaved, 2,500 of one of them.
        for (var n = 13; n <= 5000; n += 500)
            await audit.RecordAll([.. Enumerable.Range(n, 500).Select(i => Line(i % 2 == 0 ? "client-a" : "client-b", i))]);
        var expected = (await audit.For("client-a")).Select(l => l.Subject).ToList();
        Assert.Equal(2506, expected.Count);

        var (paged, after, pages) = (new List<string>(), 0L, 0);
        do
        {
            var page = await audit.Page("client-a", after, 300);
            paged.AddRange(page.Lines.Select(l => l.Subject));
            after = page.NextAfter ?? 0;
            pages++;
        }
        while (after > 0);
        Assert.Equal(expected, paged);
        Assert.Equal(9, pages);

        // A position stays good while the trail grows: the page after it reaches the new line.
        var first = await audit.Page("client-a", 0, 2506);
        Assert.Null(first.NextAfter);
        var middle = await audit.Page("client-a", 0, 2000);
        await audit.Record(Line("client-a", 9999));
        Assert.Equal([.. expected.Skip(2000), "nurse-09999"], (await audit.Page("client-a", middle.NextAfter!.Value, 1000)).Lines.Select(l => l.Subject));
    }
}
