using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Buurtzorg.Silo;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// The care clock through the gRPC API: timestamps on the wire are instants, read on the London wall clock, so a
/// summer evening's call is in the night; the embedded host may start its clock at a given local time, the durable
/// host may not, and an unknown time zone stops the host.
/// </summary>
public sealed class LocalTimeTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly DateOnly Night = new(2026, 7, 1);

    private CareClock Clock => host.Services.GetRequiredService<CareClock>();

    private static Timestamp Utc(int month, int day, int hour, int minute) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_call_and_a_visit_after_eight_on_a_summer_evening_belong_to_that_night()
    {
        var app = host.App();
        Clock.SetLocal(Night.ToDateTime(new TimeOnly(10, 0)));
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        var nurse = app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId)).OnCall;
        var night = Night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await nurse.SetOnCallAsync(new SetOnCallRequest { RequestId = NewRequest(), TeamId = team.TeamId, Night = night, NurseId = client.NamedNurseId });
        var oohNurse = await app.RegisterNurse();

        Clock.SetLocal(Night.ToDateTime(new TimeOnly(21, 0)));
        var call = (await nurse.LogCallAsync(new LogCallRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = client.ClientId,
            At = Utc(7, 1, 19, 30), // 20:30 BST
            Outcome = TriageOutcome.OutOfHoursVisitRequested,
            Note = "Catheter blocked.",
        })).Call;
        var ooh = app.As(new Caller(oohNurse.NurseId, Role.OutOfHours, null), "Requested by the on-call nurse").OnCall;
        var visit = (await ooh.RecordOutOfHoursVisitAsync(new RecordOutOfHoursVisitRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            NurseId = oohNurse.NurseId,
            Start = Utc(7, 1, 19, 40), // 20:40 BST
            DurationMinutes = 20,
            DirectCareMinutes = 15,
        })).Visit;

        Assert.Equal(night, call.Night);
        var review = await nurse.ListCallsAsync(new ListCallsRequest { TeamId = team.TeamId, Night = night });
        var theirs = Assert.Single(review.Clients);
        Assert.Equal(call.CallId, Assert.Single(theirs.Calls).CallId);
        Assert.Equal(visit.VisitId, Assert.Single(theirs.OutOfHoursVisits).VisitId);
    }

    [Fact]
    public async Task The_embedded_host_starts_its_care_clock_at_the_given_local_time_and_runs_on_from_there()
    {
        await using var started = await ApiHost.Start([.. TestKeys.Arguments, "--CareClock:Start", "2026-07-01T21:00"]);
        var app = started.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);

        var earlier = await app.Visit(client.ClientId, client.NamedNurseId, new DateTimeOffset(2026, 7, 1, 20, 45, 0, TimeSpan.FromHours(1)));
        var later = await Refused(() => app.Visit(client.ClientId, client.NamedNurseId, new DateTimeOffset(2026, 7, 1, 21, 30, 0, TimeSpan.FromHours(1))));

        Assert.NotEmpty(earlier.Visit.VisitId);
        Assert.Equal(StatusCode.InvalidArgument, later.StatusCode); // it is not yet half past nine on that evening
        var admitted = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId })).Record.CurrentEpisode.AdmittedAt.ToDateTimeOffset();
        Assert.Equal(new DateOnly(2026, 7, 1), DateOnly.FromDateTime(admitted.AddHours(1).DateTime)); // 21:00 BST that day
    }

    [Fact]
    public void The_durable_host_refuses_a_start_time_for_its_care_clock()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SiloHost.Build(
            ["--postgres", "Host=127.0.0.1;Port=1;Database=none", "--CareClock:Start", "2026-07-01T21:00"]));

        Assert.Contains("CareClock:Start", e.Message, StringComparison.Ordinal);
        Assert.Contains("embedded", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--CareClock:TimeZone", "Europe/Atlantis", "CareClock:TimeZone")]
    [InlineData("--CareClock:Start", "1 July, 9pm", "YYYY-MM-DDTHH:MM")]
    [InlineData("--CareClock:Start", "2026-03-29T01:30", "clocks go forward")]
    public void The_host_does_not_start_on_a_care_clock_setting_it_cannot_read(string option, string value, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SiloHost.Build([option, value]));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
