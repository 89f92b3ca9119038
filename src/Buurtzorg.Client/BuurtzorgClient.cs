using Buurtzorg.Api.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Buurtzorg.Client;

/// <summary>
/// A team app's way in to the Buurtzorg API: one channel to the service and a client per service of
/// <c>protos/buurtzorg/v1</c>, every call carrying the token source's token and a deadline, reads and writes with a
/// request id retried on <c>UNAVAILABLE</c> / <c>DEADLINE_EXCEEDED</c> with exponential backoff and jitter.
/// Create one per app (it is thread-safe and keeps its connections open) and dispose it when the app ends.
/// </summary>
/// <example>
/// <code>
/// using var buurtzorg = BuurtzorgClient.Create("https://api.example.org", TokenSource.From(ct => signIn.TokenAsync(ct)));
/// var day = await buurtzorg.Planning.GetMyDayAsync(new GetMyDayRequest());
/// </code>
/// </example>
public sealed class BuurtzorgClient : IDisposable
{
    private readonly GrpcChannel? _owned;
    private readonly BuurtzorgClientOptions _options;

    private BuurtzorgClient(GrpcChannel channel, GrpcChannel? owned, ITokenSource tokens, BuurtzorgClientOptions options)
    {
        (Channel, _owned, _options) = (channel, owned, options);
        CallInvoker = channel.Intercept(new CallDefaults(CredentialsFrom(tokens), options.DefaultDeadline));
        CareRecords = new CareRecordService.CareRecordServiceClient(CallInvoker);
        CentralOffice = new CentralOfficeService.CentralOfficeServiceClient(CallInvoker);
        Nurses = new NurseService.NurseServiceClient(CallInvoker);
        OnCall = new OnCallService.OnCallServiceClient(CallInvoker);
        Planning = new PlanningService.PlanningServiceClient(CallInvoker);
        Referrals = new ReferralService.ReferralServiceClient(CallInvoker);
        Sync = new SyncService.SyncServiceClient(CallInvoker);
        Teams = new TeamService.TeamServiceClient(CallInvoker);
    }

    /// <summary>Care records: reading a record and its history, visits, notes, the care plan.</summary>
    public CareRecordService.CareRecordServiceClient CareRecords { get; }

    /// <summary>The central office's view across teams.</summary>
    public CentralOfficeService.CentralOfficeServiceClient CentralOffice { get; }

    /// <summary>Nurses: registration and leave.</summary>
    public NurseService.NurseServiceClient Nurses { get; }

    /// <summary>The out-of-hours rota, calls and visits.</summary>
    public OnCallService.OnCallServiceClient OnCall { get; }

    /// <summary>The day's plan, and a nurse's own day (<c>GetMyDay</c>).</summary>
    public PlanningService.PlanningServiceClient Planning { get; }

    /// <summary>Referrals, admission and discharge.</summary>
    public ReferralService.ReferralServiceClient Referrals { get; }

    /// <summary>Offline work: writes made without a signal sent in one batch, and what changed since (retried: safe by request id).</summary>
    public SyncService.SyncServiceClient Sync { get; }

    /// <summary>Teams, their members and caseload.</summary>
    public TeamService.TeamServiceClient Teams { get; }

    /// <summary>
    /// Calls with this client's token, deadline and retries, for a generated client of a service this version does not
    /// list (<c>new SomeService.SomeServiceClient(client.CallInvoker)</c>). Such a service's calls are not retried.
    /// </summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>The channel underneath, shared by every client made from it with <see cref="As"/>.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The largest answer the library accepts: 64 MiB, a FHIR export of some 80,000 entries.</summary>
    public const int MaxReceiveBytes = 64 * 1024 * 1024;

    /// <summary>Creates a client for the service at <paramref name="address"/> (<c>https://…</c>; <c>http://…</c> only on a trusted network).</summary>
    /// <param name="address">The service's address.</param>
    /// <param name="tokens">Asked for the bearer token on every call.</param>
    /// <param name="options">Deadline and retries; the defaults suit a tablet on a round.</param>
    public static BuurtzorgClient Create(Uri address, ITokenSource tokens, BuurtzorgClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(tokens);
        options ??= new BuurtzorgClientOptions();
        if (options.DefaultDeadline <= TimeSpan.Zero)
            throw new ArgumentException("DefaultDeadline must be positive.", nameof(options));
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = options.HttpHandler ?? new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            },
            DisposeHttpClient = true,
            ServiceConfig = RetryPolicies.For(options),
            MaxRetryAttempts = Math.Max(options.MaxAttempts, 1),
            // A whole record as FHIR (ExportFhir) is ~800 bytes an entry: past gRPC's default 4 MiB from ~5,000 entries.
            MaxReceiveMessageSize = MaxReceiveBytes,
            // A token over plain HTTP/2 is the app's choice of address (a test host, a trusted hop inside a cluster).
            UnsafeUseInsecureChannelCallCredentials = address.Scheme == Uri.UriSchemeHttp,
        });
        return new BuurtzorgClient(channel, channel, tokens, options);
    }

    /// <inheritdoc cref="Create(Uri, ITokenSource, BuurtzorgClientOptions)"/>
    public static BuurtzorgClient Create(string address, ITokenSource tokens, BuurtzorgClientOptions? options = null) =>
        Create(new Uri(address), tokens, options);

    /// <summary>
    /// The same channel, calling as someone else (a tool acting for several nurses). Disposing the client returned
    /// leaves the channel open; it closes with the client that created it.
    /// </summary>
    public BuurtzorgClient As(ITokenSource tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new BuurtzorgClient(Channel, null, tokens, _options);
    }

    /// <summary>
    /// Call credentials that ask <paramref name="tokens"/> for the bearer token when the call is sent, for one call made
    /// as someone other than this client's caller: <c>client.Teams.GetTeamAsync(request, new CallOptions(credentials: …))</c>.
    /// Credentials given with a call replace the client's own; the default deadline and the retries still apply.
    /// </summary>
    public static CallCredentials CredentialsFrom(ITokenSource tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            var token = await tokens.GetTokenAsync(context.CancellationToken).ConfigureAwait(false);
            metadata.Add("authorization", $"Bearer {token}");
        });
    }

    /// <summary>Closes the channel, unless this client was made with <see cref="As"/>.</summary>
    public void Dispose() => _owned?.Dispose();
}
