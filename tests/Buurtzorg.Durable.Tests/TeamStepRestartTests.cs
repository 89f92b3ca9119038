using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.TestSupport;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Durable.Tests;

/// <summary>A team's pending step is stored in PostgreSQL with its decision, and a new silo finishes it without the app.</summary>
[Collection(DurableDatabase.Name)]
public sealed class TeamStepRestartTests(PostgresServer postgres)
{
    /// <summary>Once armed, fails the next step a team takes, before the other grain is asked, as an outage would.</summary>
    private sealed class FailNextStep : IStepFaults
    {
        private int _armed;

        public void Arm() => Interlocked.Exchange(ref _armed, 1);

        public ValueTask At(StepPoint point, string teamId, TeamStep step) =>
            point == StepPoint.Taking && Interlocked.Exchange(ref _armed, 0) == 1
                ? throw new StorageUnavailableException("The care records store is not reachable just now.")
                : ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_admission_interrupted_before_the_record_opened_the_episode_is_finished_by_a_new_silo_and_its_retry_answers_the_same()
    {
        var database = await postgres.CreateDatabaseAsync();
        var cluster = $"steps-{Guid.NewGuid():N}";
        string teamId;
        AdmitRequest admit;
        var faults = new FailNextStep();
        await using (var first = await DurableSilo.Start(database, cluster, builder => builder.Services.AddSingleton<IStepFaults>(faults)))
        {
            var app = first.App();
            teamId = (await app.TeamWithNurses(2)).TeamId;
            var referral = (await app.Referrals.ReferAsync(Referral(teamId))).Referral;
            admit = new AdmitRequest { RequestId = NewRequest(), TeamId = teamId, ReferralId = referral.ReferralId };
            faults.Arm();

            var unavailable = await Refused(async () => await app.Referrals.AdmitAsync(admit));

            Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
            Assert.Contains("same request id", unavailable.Status.Detail, StringComparison.Ordinal);
            await first.Stop();
        }

        await using var second = await DurableSilo.Start(database, cluster);
        var again = second.App();
        // The first call activates the team, which finishes what it left pending before it answers.
        var caseload = await again.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId });
        var entry = Assert.Single(caseload.Entries);
        var record = await again.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId });
        Assert.Equal(teamId, record.Record.CurrentEpisode.TeamId);
        var retried = (await again.Referrals.AdmitAsync(admit)).Entry;
        // The list adds what it shows of the client (GetCaseload only); the admission's own fields answer the same.
        var admitted = entry.Clone();
        (admitted.DisplayName, admitted.Postcode, admitted.AddressLine, admitted.NextVisit) = ("", "", "", null);
        admitted.ClearAge();
        Assert.Equal(admitted, retried);
        Assert.Single((await again.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId })).Entries);
    }
}
