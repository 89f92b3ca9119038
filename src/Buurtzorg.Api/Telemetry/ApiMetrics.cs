using System.Diagnostics;
using System.Diagnostics.Metrics;
using Buurtzorg.Api.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Buurtzorg.Api.Telemetry;

/// <summary>
/// The domain's meters, counted where the decisions arrive: admissions, declines by reason, visits recorded, and the
/// latency of every RPC. Labels are RPC names, reason codes and status codes only: never a person, client or team.
/// </summary>
public sealed class ApiMetrics : IDisposable
{
    public const string MeterName = "Buurtzorg";

    private readonly Meter _meter = new(MeterName);

    public ApiMetrics()
    {
        RpcDuration = _meter.CreateHistogram<double>("buurtzorg.rpc.duration", "ms", "Time to answer a gRPC call, by RPC and status code.");
        Admissions = _meter.CreateCounter<long>("buurtzorg.admissions", description: "Clients admitted to a caseload.");
        Declines = _meter.CreateCounter<long>("buurtzorg.declines", description: "Referrals declined, by reason code.");
        Discharges = _meter.CreateCounter<long>("buurtzorg.discharges", description: "Clients discharged.");
        Visits = _meter.CreateCounter<long>("buurtzorg.visits.recorded", description: "Visits recorded, in hours and out of hours.");
    }

    public Histogram<double> RpcDuration { get; }
    public Counter<long> Admissions { get; }
    public Counter<long> Declines { get; }
    public Counter<long> Discharges { get; }
    public Counter<long> Visits { get; }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Times every RPC and counts the decisions among them once they succeeded (a retry answers the same, and is counted again).</summary>
public sealed class MetricsInterceptor(ApiMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            var response = await continuation(request, context);
            Count(request);
            return response;
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        catch
        {
            status = StatusCode.Internal;
            throw;
        }
        finally
        {
            metrics.RpcDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("rpc", context.Method), new KeyValuePair<string, object?>("status", status.ToString()));
        }
    }

    private void Count(object request)
    {
        switch (request)
        {
            case AdmitRequest:
                metrics.Admissions.Add(1);
                break;
            case DeclineRequest decline:
                metrics.Declines.Add(1, new KeyValuePair<string, object?>("reason", decline.Reason.ToString()));
                break;
            case DischargeRequest:
                metrics.Discharges.Add(1);
                break;
            case RecordVisitRequest visit:
                metrics.Visits.Add(1, new KeyValuePair<string, object?>("out_of_hours", visit.OutOfHours));
                break;
        }
    }
}
