using System.Collections.Concurrent;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Client;
using Buurtzorg.Grains.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// The client library (src/Buurtzorg.Client) against the real host: what a team app gets from it without writing it —
/// a write whose answer is lost is sent again with the same request id and applied once, the token source is asked for
/// every call, and a call without a deadline of its own gets the default one.
/// </summary>
public sealed class ClientLibraryTests(ClientLibraryTests.Host host) : IClassFixture<ClientLibraryTests.Host>
{
    private readonly TeamApp _app = host.Api.App();

    [Fact]
    public async Task A_visit_whose_answer_is_lost_twice_is_sent_again_with_the_same_request_id_and_recorded_once()
    {
        var (client, nurse) = await AdmittedClient();
        var asked = 0;
        using var buurtzorg = Connect(nurse, () => asked++);
        var requestId = NewRequest();
        host.Faults.LoseAnswers(requestId, times: 2);

        var answer = await buurtzorg.CareRecords.RecordVisitAsync(Visit(client, requestId));

        Assert.Equal(new[] { requestId, requestId, requestId }, host.Faults.Seen(requestId));
        Assert.Equal(3, asked);
        var history = (await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId })).Entries;
        var visit = Assert.Single(history, e => e.Kind == "visit_recorded");
        Assert.Equal(answer.Visit.VisitId, visit.EntryId);
    }

    [Fact]
    public async Task A_write_still_unanswered_after_every_attempt_fails_unavailable_having_been_applied_once()
    {
        var (client, nurse) = await AdmittedClient();
        using var buurtzorg = Connect(nurse, () => { }, new BuurtzorgClientOptions { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(10) });
        var requestId = NewRequest();
        host.Faults.LoseAnswers(requestId, times: 5);

        var lost = await Assert.ThrowsAsync<RpcException>(async () => await buurtzorg.CareRecords.RecordVisitAsync(Visit(client, requestId)));

        Assert.Equal(StatusCode.Unavailable, lost.StatusCode);
        Assert.Equal(3, host.Faults.Seen(requestId).Count);
        var history = (await _app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId })).Entries;
        Assert.Single(history, e => e.Kind == "visit_recorded");
    }

    [Fact]
    public async Task A_write_without_a_request_id_is_not_sent_again_so_the_app_decides()
    {
        var team = await _app.TeamWithNurses(1);
        var office = new Caller("office-client-test", Role.CentralOffice, null);
        using var buurtzorg = Connect(office, () => { });
        const string method = "/buurtzorg.v1.CentralOfficeService/AssignRegion";
        var before = host.Faults.Seen(method).Count;
        host.Faults.LoseAnswers(method, times: 1);

        var lost = await Assert.ThrowsAsync<RpcException>(async () =>
            await buurtzorg.CentralOffice.AssignRegionAsync(new AssignRegionRequest { TeamId = team.TeamId, Region = "North" }));

        Assert.Equal(StatusCode.Unavailable, lost.StatusCode);
        Assert.Equal(before + 1, host.Faults.Seen(method).Count);
    }

    [Fact]
    public async Task The_token_source_is_asked_for_every_call_so_a_new_token_is_sent_at_once()
    {
        var (client, nurse) = await AdmittedClient();
        var tokens = new List<string>();
        var signedOut = false;
        using var buurtzorg = BuurtzorgClient.Create(host.Api.Address, TokenSource.From(() =>
        {
            var token = signedOut ? "signed-out" : host.Api.Mint(nurse);
            tokens.Add(token);
            return token;
        }));

        await buurtzorg.CareRecords.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId });
        await buurtzorg.CareRecords.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId });
        signedOut = true;
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await buurtzorg.CareRecords.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }));

        Assert.Equal(3, tokens.Count);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task A_call_without_a_deadline_gets_the_default_one_and_a_call_with_its_own_keeps_it()
    {
        var (client, nurse) = await AdmittedClient();
        using var buurtzorg = Connect(nurse, () => { }, new BuurtzorgClientOptions { DefaultDeadline = TimeSpan.FromMinutes(30) });

        var before = DateTime.UtcNow;
        await buurtzorg.CareRecords.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId });
        var defaulted = host.Faults.LastDeadline;
        var own = DateTime.UtcNow.AddHours(2);
        await buurtzorg.CareRecords.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }, deadline: own);
        var kept = host.Faults.LastDeadline;

        // The server sees the deadline the client sent, to the millisecond or so; far from a call's own duration.
        Assert.InRange(defaulted, before.AddMinutes(29), before.AddMinutes(31));
        Assert.InRange(kept, own.AddMinutes(-1), own.AddMinutes(1));
    }

    [Fact]
    public async Task A_read_held_past_the_default_deadline_ends_deadline_exceeded_and_is_not_sent_again()
    {
        var (client, nurse) = await AdmittedClient();
        using var buurtzorg = Connect(nurse, () => { }, new BuurtzorgClientOptions { DefaultDeadline = TimeSpan.FromMilliseconds(300) });
        host.Faults.HoldReadsOf(client.ClientId);

        var late = await Assert.ThrowsAsync<RpcException>(async () =>
            await buurtzorg.CareRecords.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }));

        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
        Assert.Equal(1, host.Faults.Held(client.ClientId));
    }

    private BuurtzorgClient Connect(Caller caller, Action asked, BuurtzorgClientOptions? options = null) =>
        BuurtzorgClient.Create(host.Api.Address, TokenSource.From(() =>
        {
            asked();
            return host.Api.Mint(caller);
        }), options ?? new BuurtzorgClientOptions { InitialBackoff = TimeSpan.FromMilliseconds(10) });

    private async Task<(CaseloadEntry Client, Caller Nurse)> AdmittedClient()
    {
        var team = await _app.TeamWithNurses(2);
        var client = await _app.Admitted(team.TeamId);
        return (client, new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));
    }

    private static RecordVisitRequest Visit(CaseloadEntry client, string requestId) =>
        VisitRequest(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1), requestId);

    /// <summary>The real host with <see cref="Faults"/> inside its gRPC pipeline.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public Faults Faults { get; } = new();

        public ApiHost Api { get; private set; } = null!;

        public async Task InitializeAsync() => Api = await ApiHost.Start(TestKeys.Arguments, builder =>
        {
            builder.Services.AddSingleton(Faults);
            builder.Services.AddGrpc(options => options.Interceptors.Add<FaultInterceptor>());
        });

        public Task DisposeAsync() => Api.DisposeAsync();
    }

    /// <summary>
    /// What the server side of a bad connection does, by request: a write is applied and then its answer lost, as when
    /// the signal drops after the write (keyed by its request id, or by its method when it has none); a read of a record
    /// on hold never answers. The last deadline seen is kept.
    /// </summary>
    public sealed class Faults
    {
        private readonly ConcurrentDictionary<string, int> _toLose = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, List<string>> _seen = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> _held = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _onHold = new(StringComparer.Ordinal);

        public DateTime LastDeadline { get; set; }

        public void LoseAnswers(string requestId, int times) => _toLose[requestId] = times;

        public IReadOnlyList<string> Seen(string requestId)
        {
            var seen = _seen.GetValueOrDefault(requestId) ?? [];
            lock (seen) return [.. seen];
        }

        public void HoldReadsOf(string clientId) => _onHold[clientId] = true;

        public int Held(string clientId) => _held.GetValueOrDefault(clientId);

        /// <summary>A call seen: by its request id, or by its method when it carries none.</summary>
        internal void See(string key, string requestId)
        {
            var seen = _seen.GetOrAdd(key, _ => []);
            lock (seen) seen.Add(requestId);
        }

        internal bool Loses(string key) =>
            _toLose.TryGetValue(key, out var left) && left > 0 && _toLose.TryUpdate(key, left - 1, left);

        internal bool Holds(string clientId)
        {
            if (!_onHold.ContainsKey(clientId)) return false;
            _held.AddOrUpdate(clientId, 1, (_, n) => n + 1);
            return true;
        }
    }

    private sealed class FaultInterceptor(Faults faults) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation)
        {
            faults.LastDeadline = context.Deadline;
            if (request is GetRecordRequest { ClientId: var clientId } && faults.Holds(clientId))
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            var requestId = request is IMessage message && message.Descriptor.FindFieldByName("request_id")?.Accessor.GetValue(message) is string id ? id : "";
            var key = requestId.Length > 0 ? requestId : context.Method;
            faults.See(key, requestId);
            if (!faults.Loses(key)) return await continuation(request, context);
            try
            {
                await continuation(request, context);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever the service answered (a refusal is mapped to its status further out), the app never hears it.
            }
            throw new RpcException(new Status(StatusCode.Unavailable, "The connection dropped before the answer was sent."));
        }
    }
}
