using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// No NHS number, name, date of birth, postcode or note text in any log line, at the most verbose level: neither in what
/// a logger is handed nor in any console format (a terminal's lines, the JSON a pod writes).
/// </summary>
public sealed class PrivacyTests
{
    [Fact]
    public async Task A_scripted_day_at_trace_level_logs_no_patient_data()
    {
        var logs = new CapturedLogs();
        var console = new ConsoleFormattedLogs();
        await using var host = await ApiHost.Start(
            [.. TestKeys.Arguments, "--Logging:LogLevel:Default", "Trace", "--Logging:LogLevel:Microsoft", "Trace", "--Logging:LogLevel:Orleans", "Trace",
                "--Logging:Console:FormatterOptions:IncludeScopes", "true"],
            builder =>
            {
                builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
                // What the console would print in each format: the readable line of a terminal, and the JSON of a pod.
                console.AddTo(builder.Services);
            });
        var app = host.App();
        var secrets = new List<string>();

        var team = await app.TeamWithNurses(4);
        for (var i = 0; i < 6; i++)
        {
            var nhs = NextNhsNumber();
            var given = $"Zenobia{i}";
            var family = $"Quartermaine{i}";
            var postcode = $"E3 2Q{(char)('A' + i)}";
            var note = $"Leg ulcer dressing, client anxious about her son {i}";
            secrets.AddRange([nhs, nhs[..3] + " " + nhs[3..6] + " " + nhs[6..], given, family, postcode, note, "1931-07-2" + i]);

            var referral = Referral(team.TeamId, nhs, postcode);
            referral.Client.GivenName = given;
            referral.Client.FamilyName = family;
            referral.Client.DateOfBirth = "1931-07-2" + i;
            var referred = (await app.Referrals.ReferAsync(referral)).Referral;
            var entry = (await app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = team.TeamId, ReferralId = referred.ReferralId })).Entry;
            await app.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = entry.ClientId, RecordedBy = entry.NamedNurseId, Text = note });
            await app.Records.RecordVisitAsync(new RecordVisitRequest
            {
                RequestId = NewRequest(),
                ClientId = entry.ClientId,
                NurseId = entry.NamedNurseId,
                Note = note,
                Start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)),
                DurationMinutes = 30,
                DirectCareMinutes = 20,
            });
            await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId });
            var problem = await app.AddSkinProblem(entry);
            await app.AddWoundCare(entry, problem.ProblemId);
            await app.As(new Caller("ooh-1", Role.OutOfHours, null), $"Night call about {given}").Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId });
            secrets.Add($"Night call about {given}");

            // A referral whose details differ, the team confirming them, and a confirmation refused: no details logged.
            var moved = Referral(team.TeamId, nhs, $"E3 3Q{(char)('A' + i)}");
            moved.Client.AddressLine = $"{i} Quartermaine Court";
            secrets.AddRange([moved.Client.Postcode, moved.Client.AddressLine]);
            var claim = (await app.Referrals.ReferAsync(moved)).Referral;
            var confirm = new UpdateDemographicsRequest
            {
                RequestId = NewRequest(),
                ClientId = entry.ClientId,
                Details = moved.Client,
                Source = DemographicsSource.ReferralConfirmed,
                ReferralId = claim.ReferralId,
            };
            await app.Records.UpdateDemographicsAsync(confirm);
            confirm.RequestId = NewRequest();
            confirm.Details.DateOfBirth = "2999-01-01";
            await Assert.ThrowsAsync<RpcException>(() => app.Records.UpdateDemographicsAsync(confirm).ResponseAsync);

            // Refusals, whose messages are logged and returned, must not echo what was sent either.
            var badNhs = nhs[..9] + ((nhs[9] - '0' + 1) % 10).ToString(CultureInfo.InvariantCulture);
            secrets.Add(badNhs);
            await Assert.ThrowsAsync<RpcException>(() => app.Referrals.ReferAsync(Referral(team.TeamId, badNhs)).ResponseAsync);
            await Assert.ThrowsAsync<RpcException>(() => app.Records.AddNoteAsync(new AddNoteRequest
            {
                RequestId = NewRequest(),
                ClientId = entry.ClientId,
                RecordedBy = entry.NamedNurseId,
                Text = note + new string('!', 4000),
            }).ResponseAsync);
            await Assert.ThrowsAsync<RpcException>(() => app.As(new Caller("nurse-x", Role.Nurse, "team-other")).Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId }).ResponseAsync);
        }

        // The team's lists and each nurse's day carry names and addresses: none of it logged either.
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = tomorrow });
        var caseload = await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId, PageSize = 4 });
        Assert.Contains(caseload.Entries, e => e.AddressLine.EndsWith("Quartermaine Court", StringComparison.Ordinal));
        await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId, PageToken = caseload.NextPageToken });
        var days = new List<GetMyDayResponse>();
        foreach (var member in team.Members)
            days.Add(await app.As(new Caller(member.NurseId, Role.Nurse, team.TeamId)).Planning.GetMyDayAsync(new GetMyDayRequest { Day = tomorrow }));
        Assert.Contains(days.SelectMany(d => d.Clients), c => c.AddressLine.EndsWith("Quartermaine Court", StringComparison.Ordinal));

        Assert.True(logs.Lines.Count > 100, $"only {logs.Lines.Count} log lines were captured: is trace logging on?");
        Assert.Equal(["json", "simple", "systemd"], console.FormatterNames.Order());
        Assert.All(console.FormatterNames, name => Assert.True(console.Entries.Count(e => e.Formatter == name) > 100, $"only a few {name} console entries"));
        var lines = logs.Lines.Concat(console.Entries.Select(e => $"[{e.Formatter}] {e.Text}"));
        var leaks = lines.SelectMany(line => secrets.Where(secret => line.Contains(secret, StringComparison.OrdinalIgnoreCase)).Select(secret => $"{secret} in: {line}")).Take(5).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n\n", leaks));
    }
}
