using System.Collections.Concurrent;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Buurtzorg.Api.Tests.Infrastructure;

/// <summary>
/// Sends each call with a bearer token for the person a real team would send it as: the central office for team
/// applications, approvals and registrations, a nurse of the team a request concerns (learned from the answers, as an
/// app would know it), the out-of-hours service for out-of-hours visits — or always one fixed caller. The nurse is a
/// current member of that team (the grains check), learned from the teams the answers show; a team's first nurse joins
/// it herself.
/// </summary>
public sealed class ActingCaller(Func<Caller, string> mint, Caller? fixedCaller = null, string? reason = null) : Interceptor
{
    public const string OutOfHoursReason = "Called out at night: fall at home.";

    private readonly ConcurrentDictionary<string, string> _teamOfClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _teamOfNurse = new(StringComparer.Ordinal);
    // Shared by every app of the process, as a nurse's app knows who signs in on it: an app on a restarted or second
    // silo acts as the member the first one learned (team ids are fresh in every test).
    private static readonly ConcurrentDictionary<string, string> MemberOfTeam = new(StringComparer.Ordinal);

    public ActingCaller As(Caller caller, string? statedReason = null) => new(mint, caller, statedReason);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var (caller, why) = fixedCaller is null ? Fit((IMessage)request) : (fixedCaller, reason);
        var headers = new Metadata { { "authorization", $"Bearer {mint(caller)}" } };
        if (why is not null) headers.Add(AccessInterceptor.ReasonHeader, why);
        foreach (var header in context.Options.Headers ?? []) headers.Add(header);
        var call = continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers)));
        return new AsyncUnaryCall<TResponse>(Learn(request, call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private (Caller Caller, string? Reason) Fit(IMessage request)
    {
        var office = new Caller("office-test", Role.CentralOffice, null);
        string? Field(string name) => request.Descriptor.FindFieldByName(name)?.Accessor.GetValue(request) as string is { Length: > 0 } v ? v : null;
        return request switch
        {
            ApplyTeamRequest or ApproveTeamRequest or CloseTeamRequest or RegisterNurseRequest => (office, null),
            RecordVisitRequest { OutOfHours: true } => (new Caller("ooh-test", Role.OutOfHours, null), OutOfHoursReason),
            JoinTeamRequest j when !MemberOfTeam.ContainsKey(j.TeamId) => (new Caller(j.NurseId, Role.Nurse, j.TeamId), null),
            // A team nobody has joined yet is read by the central office that approved it.
            GetTeamRequest g when !MemberOfTeam.ContainsKey(g.TeamId) => (office, null),
            _ when Field("team_id") is { } team => (Nurse(team), null),
            _ when Field("client_id") is { } client => (Nurse(_teamOfClient.GetValueOrDefault(client)), null),
            _ when Field("nurse_id") is { } nurse => _teamOfNurse.TryGetValue(nurse, out var team) ? (Nurse(team), null) : (new Caller(nurse, Role.Nurse, null), null),
            _ => (office, null),
        };
    }

    /// <summary>A current member of the team, as far as the answers so far show; a nurse of no team when none is known.</summary>
    private static Caller Nurse(string? team) =>
        new(team is not null && MemberOfTeam.TryGetValue(team, out var member) ? member : "nurse-test", Role.Nurse, team);

    /// <summary>Keeps acting as the same member while she stays on the team; another when she has left.</summary>
    private static void LearnMembers(IMessage answer)
    {
        if (answer.Descriptor.FindFieldByName("team")?.Accessor.GetValue(answer) is not Team { TeamId.Length: > 0 } team) return;
        if (MemberOfTeam.TryGetValue(team.TeamId, out var member) && team.Members.Any(m => m.NurseId == member)) return;
        if (team.Members.FirstOrDefault() is { } first) MemberOfTeam[team.TeamId] = first.NurseId;
        else MemberOfTeam.TryRemove(team.TeamId, out _);
    }

    private async Task<TResponse> Learn<TRequest, TResponse>(TRequest request, Task<TResponse> response)
    {
        var answer = await response;
        if (answer is IMessage message) LearnMembers(message);
        switch (request, answer)
        {
            case (_, ReferResponse r):
                _teamOfClient[r.Referral.ClientId] = r.Referral.TeamId;
                break;
            case (AdmitRequest a, AdmitResponse r):
                _teamOfClient[r.Entry.ClientId] = a.TeamId;
                break;
            case (GetCaseloadRequest g, GetCaseloadResponse r):
                foreach (var entry in r.Entries)
                {
                    _teamOfClient[entry.ClientId] = g.TeamId;
                    _teamOfNurse[entry.NamedNurseId] = g.TeamId;
                    if (entry.BackupNurseId.Length > 0) _teamOfNurse[entry.BackupNurseId] = g.TeamId;
                }
                break;
            case (JoinTeamRequest j, _):
                _teamOfNurse[j.NurseId] = j.TeamId;
                break;
        }
        return answer;
    }
}
