using Microsoft.Extensions.Logging.Console;

namespace Buurtzorg.Silo;

/// <summary>
/// The host's console log: one line per event with a UTC ISO-8601 timestamp, readable on a terminal by default
/// (<c>simple</c>), one JSON object per line for Kubernetes' log collectors with
/// <c>Logging__Console__FormatterName=json</c> (k8s/base/deployment.yaml sets it). Configuration may still set another
/// timestamp format; the clock is always UTC, so lines from every silo and PostgreSQL's own log line up.
/// </summary>
public static class ConsoleLogs
{
    /// <summary>ISO 8601 in UTC to the millisecond, every separator quoted so no culture can change it.</summary>
    public const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";

    public static WebApplicationBuilder AddConsoleLogs(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Logging:Console:FormatterOptions");
        var singleLine = options["SingleLine"] is null;
        // Named, never left unset: with no formatter name the console logger copies its own obsolete settings over the
        // formatter's, timestamps and all.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat ??= TimestampFormat + " ";
            o.UseUtcTimestamp = true;
            if (singleLine) o.SingleLine = true;
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat = o.TimestampFormat?.TrimEnd() ?? TimestampFormat;
            o.UseUtcTimestamp = true;
        });
        return builder;
    }
}
