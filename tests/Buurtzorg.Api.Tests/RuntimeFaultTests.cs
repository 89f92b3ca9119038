using Buurtzorg.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// What the runtime throws when it cannot deliver a call reaches an app as UNAVAILABLE, never INTERNAL. A clean-clone
/// run saw INTERNAL for ApplyTeam on a host that had just started on a loaded machine: placement found no silo for the
/// team grain yet and threw a plain <see cref="OrleansException"/>, which nothing mapped.
/// </summary>
public sealed class RuntimeFaultTests
{
    private static readonly ErrorInterceptor Interceptor = new(NullLogger<ErrorInterceptor>.Instance);

    public static TheoryData<Exception> Undelivered => new()
    {
        new OrleansException("No active nodes are compatible with grain team and interface ITeamGrain version 0."),
        new GatewayTooBusyException(),
        new TimeoutException("Response did not arrive on time."),
    };

    [Theory, MemberData(nameof(Undelivered))]
    public async Task A_call_the_runtime_could_not_deliver_answers_unavailable_and_a_write_is_told_to_send_the_same_request_id(Exception undelivered)
    {
        var write = await Answer(new AddNoteRequest { RequestId = "r-1" }, undelivered);
        Assert.Equal(StatusCode.Unavailable, write.StatusCode);
        Assert.Contains("same request id", write.Status.Detail, StringComparison.Ordinal);

        var read = await Answer(new GetRecordRequest { ClientId = "c-1" }, undelivered);
        Assert.Equal(StatusCode.Unavailable, read.StatusCode);
        Assert.DoesNotContain("request id", read.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_of_our_own_still_answers_internal_and_says_nothing_of_its_cause()
    {
        // Only the runtime's own delivery failures are mapped: a subclass nobody listed, or a defect, stays INTERNAL.
        var defect = await Answer(new AddNoteRequest { RequestId = "r-2" }, new InvalidOperationException("NHS 943 476 5919"));
        Assert.Equal(StatusCode.Internal, defect.StatusCode);
        Assert.DoesNotContain("943", defect.Status.Detail, StringComparison.Ordinal);

        var codec = await Answer(new AddNoteRequest { RequestId = "r-3" }, new Orleans.Serialization.CodecNotFoundException("No codec."));
        Assert.Equal(StatusCode.Internal, codec.StatusCode);
    }

    private static Task<RpcException> Answer<TRequest>(TRequest request, Exception thrown) where TRequest : class, IMessage =>
        Assert.ThrowsAsync<RpcException>(() => Interceptor.UnaryServerHandler<TRequest, Empty>(
            request, new Context(), (_, _) => Task.FromException<Empty>(thrown)));

    private sealed class Empty;

    private sealed class Context : ServerCallContext
    {
        protected override string MethodCore => "/buurtzorg.v1.Test/Call";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
