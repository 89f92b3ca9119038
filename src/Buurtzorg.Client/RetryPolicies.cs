using Buurtzorg.Api.V1;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace Buurtzorg.Client;

/// <summary>
/// Which calls the channel retries, as a gRPC service config: reads, and writes whose request carries a
/// <c>request_id</c> (the server applies a request id once, so sending it again is safe). A write without one, or a
/// stream, is never retried: the app sees the failure and decides.
/// </summary>
internal static class RetryPolicies
{
    /// <summary>The services of this version of the protos. A service added later is retried only once listed here.</summary>
    private static readonly FileDescriptor[] Files =
    [
        CareRecordServiceReflection.Descriptor,
        CentralOfficeServiceReflection.Descriptor,
        NurseServiceReflection.Descriptor,
        OnCallServiceReflection.Descriptor,
        PlanningServiceReflection.Descriptor,
        ReferralServiceReflection.Descriptor,
        SyncServiceReflection.Descriptor,
        TeamServiceReflection.Descriptor,
    ];

    /// <summary>
    /// Calls safe to send again that neither name a read nor carry a request id of their own: an upload is answered item
    /// by item, each by its own request id (the same batch sent again applies nothing twice); Changes only reads.
    /// </summary>
    private static readonly HashSet<string> AlsoSafe = ["buurtzorg.v1.SyncService/Upload", "buurtzorg.v1.SyncService/Changes"];

    public const string RequestIdField = "request_id";

    public static IEnumerable<MethodDescriptor> Retried() =>
        Files.SelectMany(file => file.Services).SelectMany(service => service.Methods).Where(IsRetried);

    public static bool IsRetried(MethodDescriptor method) =>
        !method.IsClientStreaming && !method.IsServerStreaming
        && (method.InputType.FindFieldByName(RequestIdField) is not null || IsRead(method.Name)
            || AlsoSafe.Contains($"{method.Service.FullName}/{method.Name}"));

    private static bool IsRead(string name) =>
        name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal);

    /// <summary>The service config, or none when <see cref="BuurtzorgClientOptions.MaxAttempts"/> turns retries off.</summary>
    public static ServiceConfig? For(BuurtzorgClientOptions options)
    {
        if (options.MaxAttempts <= 1) return null;
        var retry = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = options.MaxAttempts,
                InitialBackoff = options.InitialBackoff,
                MaxBackoff = options.MaxBackoff,
                BackoffMultiplier = options.BackoffMultiplier,
                RetryableStatusCodes = { StatusCode.Unavailable, StatusCode.DeadlineExceeded },
            },
        };
        foreach (var method in Retried())
            retry.Names.Add(new MethodName { Service = method.Service.FullName, Method = method.Name });
        return new ServiceConfig { MethodConfigs = { retry } };
    }
}
