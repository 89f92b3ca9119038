using System.Globalization;
using Buurtzorg.Api.Security;
using Buurtzorg.Grains;

namespace Buurtzorg.Silo;

/// <summary>
/// What the host tells whoever started it, once it serves: through the log, so a JSON console (Kubernetes) stays one
/// JSON object per line and every line carries its time.
/// </summary>
public static partial class StartupBanner
{
    public static void Write(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupBanner).Namespace!);
        var urls = string.Join(", ", app.Urls);
        LogServing(log, urls);
        if (SiloHost.IsDurable(app.Configuration)) LogDurable(log);
        else LogEmbedded(log);
        var clock = app.Services.GetRequiredService<CareClock>();
        var now = clock.LocalNow.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        if (clock.Offset == TimeSpan.Zero) LogClock(log, clock.LocalTimeZone.Id, now);
        else LogShiftedClock(log, clock.LocalTimeZone.Id, now);
        if (app.Services.GetRequiredService<SigningKeys>() is { IsDevelopment: true } keys) LogDevelopmentKeys(log, keys.DevelopmentFile);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Buurtzorg.Grains is serving gRPC at {Urls}.")]
    private static partial void LogServing(ILogger logger, string urls);

    [LoggerMessage(Level = LogLevel.Information, Message = "DURABLE MODE: membership, state, reminders and records in PostgreSQL.")]
    private static partial void LogDurable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "EMBEDDED MODE: one silo, in-memory state. Nothing is kept after this process exits.")]
    private static partial void LogEmbedded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "CARE CLOCK: {Zone}, now {Now}.")]
    private static partial void LogClock(ILogger logger, string zone, string now);

    [LoggerMessage(Level = LogLevel.Information, Message = "CARE CLOCK: {Zone}, started at {Now} (not real time; runs on).")]
    private static partial void LogShiftedClock(ILogger logger, string zone, string now);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SECURITY: no signing keys configured; tokens are checked against a development key ({File}). " +
        "Mint one with: dotnet run --project src/Buurtzorg.Silo -- token --role nurse --team <team id> --subject <nurse id>")]
    private static partial void LogDevelopmentKeys(ILogger logger, string? file);
}
