using Buurtzorg.Storage;

namespace Buurtzorg.Silo;

/// <summary>Applies the schema migrations as the host starts, before the silo joins the cluster.</summary>
public sealed partial class SchemaMigrationService(string connectionString, ILogger<SchemaMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var report = await SchemaMigrator.ApplyAsync(connectionString, logger, cancellationToken);
        LogMigrated(logger, report);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current: {Report}")]
    private static partial void LogMigrated(ILogger logger, MigrationReport report);
}
