using Grpc.Core;
using Grpc.Net.Client;

namespace Buurtzorg.Simulator.Cluster;

/// <summary>
/// One channel over several silos' gRPC endpoints: each call goes to the next endpoint in turn, as a load balancer
/// in front of the Deployment's replicas spreads team apps' calls. With three silos, two calls in three reach a silo
/// that does not hold the grain they are for, so the grain call crosses to another silo.
/// </summary>
public sealed class RoundRobinChannel : ChannelBase, IDisposable
{
    private readonly IReadOnlyList<GrpcChannel> _channels;
    private readonly CallInvoker[] _invokers;
    private long _next = -1;

    public RoundRobinChannel(IReadOnlyList<Uri> targets)
        : base(string.Join(",", targets))
    {
        if (targets.Count == 0) throw new ArgumentException("At least one target.", nameof(targets));
        // Several HTTP/2 connections per silo, so many callers are not serialised behind one connection's stream limit.
        _channels = [.. targets.Select(target => GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        }))];
        _invokers = [.. _channels.Select(c => c.CreateCallInvoker())];
    }

    public int Count => _invokers.Length;

    public override CallInvoker CreateCallInvoker() => new Spreading(this);

    private CallInvoker Next() => _invokers[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)_invokers.Length)];

    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
    }

    private sealed class Spreading(RoundRobinChannel owner) : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            owner.Next().BlockingUnaryCall(method, host, options, request);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            owner.Next().AsyncUnaryCall(method, host, options, request);

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            owner.Next().AsyncServerStreamingCall(method, host, options, request);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            owner.Next().AsyncClientStreamingCall(method, host, options);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            owner.Next().AsyncDuplexStreamingCall(method, host, options);
    }
}
