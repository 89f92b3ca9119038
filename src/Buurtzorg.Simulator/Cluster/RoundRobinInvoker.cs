using Buurtzorg.Client;
using Grpc.Core;

namespace Buurtzorg.Simulator.Cluster;

/// <summary>
/// Calls over several silos' gRPC endpoints, one client library connection per silo: each call goes to the next
/// endpoint in turn, as a load balancer in front of the Deployment's replicas spreads team apps' calls. With three
/// silos, two calls in three reach a silo that does not hold the grain they are for, so the grain call crosses to
/// another silo. A retry stays on the silo its call went to.
/// </summary>
public sealed class RoundRobinInvoker : CallInvoker, IDisposable
{
    private readonly IReadOnlyList<BuurtzorgClient> _clients;
    private long _next = -1;

    public RoundRobinInvoker(IReadOnlyList<Uri> targets, BenchmarkTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0) throw new ArgumentException("At least one target.", nameof(targets));
        _clients = [.. targets.Select(target => SimulatorConnection.To(target, tokens))];
    }

    public int Count => _clients.Count;

    private CallInvoker Next() => _clients[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)_clients.Count)].CallInvoker;

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Next().BlockingUnaryCall(method, host, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Next().AsyncUnaryCall(method, host, options, request);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Next().AsyncServerStreamingCall(method, host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Next().AsyncClientStreamingCall(method, host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Next().AsyncDuplexStreamingCall(method, host, options);
}
