using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.TestSupport;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Durable.Tests;

[Collection(DurableDatabase.Name)]
public sealed class ReminderTests(PostgresServer postgres)
{
    private static readonly string[] QuickReminders = ["--Buurtzorg:Reminders:Grace", "00:00:10", "--Buurtzorg:Reminders:Recheck", "00:01:00"];

    [Fact]
    public async Task A_review_falling_due_is_flagged_on_the_caseload_even_after_the_silo_that_set_it_has_stopped()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"reminder-{Guid.NewGuid():N}";
        string teamId;
        string clientId;
        await using (var first = await DurableSilo.Start(database, cluster, QuickReminders))
        {
            var app = first.App();
            teamId = (await app.TeamWithNurses(2)).TeamId;
            var client = await app.Admitted(teamId);
            clientId = client.ClientId;
            // Due today: the reminder's first tick comes after the grace period, by which time this silo is gone.
            await app.Records.ScheduleReviewAsync(new ScheduleReviewRequest
            {
                RequestId = NewRequest(),
                ClientId = clientId,
                RecordedBy = client.NamedNurseId,
                DueDate = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
            await first.Stop();
        }

        await using var second = await DurableSilo.Start(database, cluster, QuickReminders);
        var teams = second.App().Teams;
        for (var waited = 0; waited < 120; waited++)
        {
            var entry = (await teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries.Single(e => e.ClientId == clientId);
            if (entry.Flags.Contains(CaseloadFlag.ReviewDue)) return;
            await Task.Delay(1000);
        }
        Assert.Fail("The review that fell due was never flagged on the caseload.");
    }
}
