using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Buurtzorg.Simulator;

/// <summary>
/// One approved team of ten nurses with sixty admitted clients, formed over gRPC for the focused benchmarks; the ids
/// are the server's, the NHS numbers from the range reserved for tests.
/// </summary>
public sealed record BenchmarkTeam(string TeamId, IReadOnlyList<(string ClientId, string NurseId)> Clients, CallOptions Nurse)
{
    public const int Nurses = 10;
    public const int ClientCount = 60;

    /// <summary>A full-time registered nurse with the skills the benchmarks' care plans need.</summary>
    public static RegisterNurseRequest Registrant(string requestId, string displayName) => new()
    {
        RequestId = requestId,
        DisplayName = displayName,
        Role = NurseRole.RegisteredNurse,
        NmcPin = "12A3456B",
        ContractedHoursPerWeek = 37.5,
        Skills = { Skill.WoundCare, Skill.PersonalCare },
    };

    /// <summary>A half-hour visit by <paramref name="nurseId"/>, as the benchmarks record it.</summary>
    public static RecordVisitRequest Visit(string clientId, string nurseId, DateTimeOffset start) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ClientId = clientId,
        NurseId = nurseId,
        Start = Timestamp.FromDateTimeOffset(start),
        DurationMinutes = 30,
        DirectCareMinutes = 24,
        Note = "Benchmark visit.",
    };

    public static async Task<BenchmarkTeam> Form(CallInvoker channel, BenchmarkTokens tokens, Random random)
    {
        var teams = new TeamService.TeamServiceClient(channel);
        var nurses = new NurseService.NurseServiceClient(channel);
        var referrals = new ReferralService.ReferralServiceClient(channel);
        var run = $"{random.Next():x8}-{Guid.NewGuid():N}"[..20];
        var office = tokens.As(Role.CentralOffice);
        var team = (await teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = $"bench-{run}", Name = "Benchmark", Footprint = { "E3" } }, office)).Team;
        await teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = $"bench-{run}-approve", TeamId = team.TeamId }, office);
        CallOptions? nurse = null;
        for (var n = 0; n < Nurses; n++)
        {
            var member = (await nurses.RegisterNurseAsync(Registrant($"bench-{run}-nurse-{n}", $"Benchmark nurse {n}"), office)).Nurse;
            // The first nurse joins herself and acts for the team after: the grains check that she is a member.
            nurse ??= tokens.As(Role.Nurse, team.TeamId, member.NurseId);
            await teams.JoinTeamAsync(new JoinTeamRequest { RequestId = $"bench-{run}-join-{n}", TeamId = team.TeamId, NurseId = member.NurseId }, nurse.Value);
        }
        var asMember = nurse ?? throw new InvalidOperationException("A benchmark team has nurses.");
        var clients = new List<(string, string)>();
        for (var c = 0; c < ClientCount; c++)
        {
            var referral = (await referrals.ReferAsync(new ReferRequest
            {
                RequestId = $"bench-{run}-refer-{c}",
                TeamId = team.TeamId,
                Source = ReferralSource.GeneralPractitioner,
                // New people each run (not from the seed): the same NHS number finds the same record, which would carry
                // the visits of every earlier run on the same database.
                NhsNumber = Domain.Common.NhsNumber.ForTesting(Random.Shared.Next(0, 800_000)).Digits,
                Client = new ClientDetails { GivenName = "Bench", FamilyName = "Mark", DateOfBirth = "1940-01-01", AddressLine = "1 Test Road", Postcode = "E3 2AB" },
                Needs = { Skill.WoundCare },
            }, asMember)).Referral;
            var admitted = await referrals.AdmitAsync(new AdmitRequest { RequestId = $"bench-{run}-admit-{c}", TeamId = team.TeamId, ReferralId = referral.ReferralId }, asMember);
            clients.Add((admitted.Entry.ClientId, admitted.Entry.NamedNurseId));
        }
        return new BenchmarkTeam(team.TeamId, clients, asMember);
    }
}
