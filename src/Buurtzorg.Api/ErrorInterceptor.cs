using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Buurtzorg.Api;

/// <summary>
/// The one place that turns failures into gRPC statuses, so every service answers the same way: a refused rule keeps
/// its kind and its message (written for a nurse to read, free of patient data); a failure of ours never leaks detail.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public const string ReasonTrailer = "buurtzorg-reason";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // Oversized requests are refused plainly before any work; the transport's own cap sits above this one.
        if (request is Google.Protobuf.IMessage message && message.CalculateSize() > ApiRegistration.MaxRequestBytes)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is too large (at most {ApiRegistration.MaxRequestBytes / 1024} KB)."));
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context.Method, IsWrite(request)) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context.Method, write: false) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// How a failure is answered outside a single gRPC call — an upload's items, each as it would be answered alone, and
    /// the FHIR REST face — status, message and reason.
    /// </summary>
    internal RpcException Answer(Exception e, string method, bool write = true) => e as RpcException ?? Translate(e, method, write)!;

    /// <summary>A write carries the request id that makes it safe to send again.</summary>
    private static bool IsWrite(object? request) =>
        request is Google.Protobuf.IMessage message && message.Descriptor.FindFieldByName("request_id") is not null;

    private RpcException? Translate(Exception e, string method, bool write)
    {
        switch (e)
        {
            case RpcException:
                return null;
            case CareRuleException rule:
                return Refused(rule.Violation, rule.Message, InContract(rule.Reason, method));
            case RuleRefusedException refused:
                return Refused(refused.Violation, refused.Message, InContract(refused.Reason, method));
            // Storage's own honest answer, also when Orleans carries it inside its own exception (a grain whose state
            // could not be read as it activated).
            case var _ when StorageUnavailableException.Within(e) is { } unavailable:
                LogUnavailable(logger, method, nameof(StorageUnavailableException));
                return new RpcException(new Status(StatusCode.Unavailable, unavailable.Message));
            case OperationCanceledException:
                return new RpcException(new Status(StatusCode.Cancelled, "The request was cancelled."));
            case TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or ClientNotAvailableException:
            // The runtime's own failures to deliver a call come as a plain OrleansException (placement finding no silo for
            // a grain while the cluster changes or a silo starts); ours never throw it.
            case OrleansException when e.GetType() == typeof(OrleansException):
            case var _ when CausedByStorage(e):
                LogUnavailable(logger, method, e.GetType().Name);
                // A call that timed out or lost its silo may have been carried out before the answer was lost.
                return new RpcException(new Status(StatusCode.Unavailable, write
                    ? "The service is briefly unavailable. It may have been saved: try again with the same request id, and it is kept once."
                    : "The service is briefly unavailable. Please try again in a moment."));
            default:
                // Logged by type and stack only: exception messages from libraries may echo values we were given.
                LogFailure(logger, method, e.GetType().FullName, e.StackTrace);
                return new RpcException(new Status(StatusCode.Internal,
                    "Something went wrong on our side. The request can be retried safely; if it keeps failing, contact support."));
        }
    }

    /// <summary>A failure whose cause is the database (for example a grain that could not load its state).</summary>
    private static bool CausedByStorage(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Data.Common.DbException or System.Net.Sockets.SocketException) return true;
        }
        return false;
    }

    /// <summary>
    /// Only reasons the contract names reach an app; a code the protos do not list is a defect of ours (a test scans
    /// the sources for them), logged and left out rather than sent as a value no app can know.
    /// </summary>
    private string? InContract(string? reason, string method)
    {
        if (reason is null || RefusalReasons.InContract.Contains(reason)) return reason;
        LogUnknownReason(logger, method, reason);
        return null;
    }

    private static RpcException Refused(RuleViolation violation, string message, string? reason)
    {
        var code = violation switch
        {
            RuleViolation.InvalidArgument => StatusCode.InvalidArgument,
            RuleViolation.NotFound => StatusCode.NotFound,
            RuleViolation.AlreadyExists => StatusCode.AlreadyExists,
            RuleViolation.PermissionDenied => StatusCode.PermissionDenied,
            _ => StatusCode.FailedPrecondition,
        };
        var trailers = new Metadata();
        if (reason is not null) trailers.Add(ReasonTrailer, reason);
        return new RpcException(new Status(code, message), trailers);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} could not reach a grain ({ExceptionType}); answered UNAVAILABLE")]
    private static partial void LogUnavailable(ILogger logger, string method, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} refused with reason {Reason}, which common.proto does not list")]
    private static partial void LogUnknownReason(ILogger logger, string method, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed with {ExceptionType}; answered INTERNAL\n{StackTrace}")]
    private static partial void LogFailure(ILogger logger, string method, string? exceptionType, string? stackTrace);
}
