using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Buurtzorg.Api.Tests.Infrastructure;

/// <summary>
/// Every log entry of a host as each of its console formatters (simple, json, systemd) would print it, configured as
/// the host configures them: what an operator's terminal or Kubernetes' log collector would receive, for the privacy
/// test. A JSON entry is kept with its strings decoded, so an escaped character cannot hide a value.
/// </summary>
public sealed class ConsoleFormattedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(string Formatter, string Text)> _entries = new();
    private IReadOnlyList<ConsoleFormatter> _formatters = [];
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<(string Formatter, string Text)> Entries => _entries;

    /// <summary>Registers this provider with the host's own formatters, once its services exist.</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(sp =>
    {
        _formatters = [.. sp.GetServices<ConsoleFormatter>()];
        return this;
    });

    public IReadOnlyCollection<string> FormatterNames => [.. _formatters.Select(f => f.Name)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Write<TState>(LogEntry<TState> entry)
    {
        foreach (var formatter in _formatters)
        {
            using var text = new StringWriter();
            formatter.Write(in entry, _scopes, text);
            var written = text.ToString();
            _entries.Enqueue((formatter.Name, formatter.Name == ConsoleFormatterNames.Json ? Decoded(written) : written));
        }
    }

    /// <summary>Every property name and value of the JSON entry, unescaped, one after another.</summary>
    private static string Decoded(string json)
    {
        using var document = JsonDocument.Parse(json);
        var values = new List<string>();
        Collect(document.RootElement, values);
        return string.Join(" | ", values);
    }

    private static void Collect(JsonElement element, List<string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    values.Add(property.Name);
                    Collect(property.Value, values);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Collect(item, values);
                break;
            default:
                values.Add(element.ToString());
                break;
        }
    }

    private sealed class Logger(string category, ConsoleFormattedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
    }
}
