namespace Buurtzorg.Silo.Probes;

/// <summary>
/// Until the silo has joined its cluster, gRPC calls (but grpc.health.v1's) are answered UNAVAILABLE at once, with a
/// message an app can show: the host listens from its first moment so that its probes answer while it waits for its
/// database, and a call that reached it meanwhile (by a direct address; Services send none to an unready pod) must
/// neither wait on a silo that is not there nor fail as an internal error.
/// </summary>
public static class StartupGate
{
    public const string Message = "The service is starting up and cannot take requests yet. Nothing was saved; please try again in a moment.";

    private const string HealthService = "/grpc.health.v1.Health";

    public static IApplicationBuilder UseStartupGate(this IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetRequiredService<SiloProbeState>();
        return app.Use(async (context, next) =>
        {
            if (state.HasStarted || !IsGrpc(context.Request) || context.Request.Path.StartsWithSegments(HealthService))
            {
                await next(context);
                return;
            }
            // A trailers-only gRPC answer: status in the headers, no body.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14"; // UNAVAILABLE
            context.Response.Headers["grpc-message"] = Message;
        });
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
