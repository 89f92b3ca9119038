namespace Buurtzorg.Client;

/// <summary>How the client calls: the deadline it gives a call that names none, and how it retries.</summary>
public sealed class BuurtzorgClientOptions
{
    /// <summary>
    /// The deadline of a unary call that sets none itself: the whole call, every retry included, ends with
    /// <c>DEADLINE_EXCEEDED</c> by then. Streaming calls get no default deadline. Default 10 seconds.
    /// </summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Attempts per call, the first included, for reads and for writes that carry a request id (the server applies
    /// such a write once, however often it is sent). 1 turns retries off. Default 5, the most gRPC allows.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The largest pause before the first retry; each pause is random up to its bound (jitter). Default 0.2 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The bound grows by this factor each retry. Default 2.</summary>
    public double BackoffMultiplier { get; set; } = 2;

    /// <summary>The bound never grows past this. Default 5 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The HTTP handler under the channel, for an app that needs its own (a proxy, a test server); by default a
    /// <see cref="System.Net.Http.SocketsHttpHandler"/> that keeps connections alive across a round's quiet spells.
    /// The client disposes it with itself.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }
}
