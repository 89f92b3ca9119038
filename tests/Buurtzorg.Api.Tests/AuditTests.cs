using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>Every read and write of a client's record leaves a trace the team can list; nothing in the API changes it.</summary>
public sealed class AuditTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_audit_trail_shows_every_access_of_a_scripted_day_in_order()
    {
        var app = host.App();
        var team = await app.TeamWithNurses(2);
        var entry = await app.Admitted(team.TeamId);
        var anna = team.Members[0].NurseId;
        var morning = app.As(new Caller(anna, Role.Nurse, team.TeamId));
        var night = app.As(new Caller("ooh-ben", Role.OutOfHours, null), "Night call: client fell");
        var client = new GetRecordRequest { ClientId = entry.ClientId };

        await morning.Records.GetRecordAsync(client);
        await morning.Visit(entry.ClientId, entry.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-2));
        await morning.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = entry.ClientId, RecordedBy = anna, Text = "Settled." });
        await night.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = entry.ClientId });
        await night.Records.RecordVisitAsync(new RecordVisitRequest
        {
            RequestId = NewRequest(),
            ClientId = entry.ClientId,
            NurseId = entry.NamedNurseId,
            OutOfHours = true,
            Start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-30)),
            DurationMinutes = 20,
            DirectCareMinutes = 15,
        });

        var accesses = (await morning.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = entry.ClientId })).Accesses;

        Assert.Equal(
            [
                (anna, "nurse", "read record", ""),
                (anna, "nurse", "write visit_recorded", ""),
                (anna, "nurse", "write note_added", ""),
                ("ooh-ben", "out_of_hours", "read history", "Night call: client fell"),
                ("ooh-ben", "out_of_hours", "write visit_recorded", "Night call: client fell"),
            ],
            accesses.Where(a => a.Subject == anna || a.Subject == "ooh-ben").Select(a => (a.Subject, a.Role, a.Action, a.Reason)));
        Assert.True(accesses.Select(a => a.At.ToDateTimeOffset()).SequenceEqual(accesses.Select(a => a.At.ToDateTimeOffset()).Order()));
        // The out-of-hours access is flagged to the team (the record tells it one-way, so allow it a moment).
        var flagged = false;
        for (var i = 0; i < 50 && !flagged; i++, await Task.Delay(100))
            flagged = (await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId })).Entries.Single().Flags.Contains(CaseloadFlag.OutOfHoursAccess);
        Assert.True(flagged, "the out-of-hours access was never flagged on the caseload");

        // The API offers no way to change the trail: no RPC of any service takes an access to alter or remove.
        Assert.DoesNotContain(CareRecordService.Descriptor.Methods, m => m.InputType.Fields.InDeclarationOrder().Any(f => f.FieldType == Google.Protobuf.Reflection.FieldType.Message && f.MessageType.Name == nameof(Access)));
    }
}
