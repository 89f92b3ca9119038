using Buurtzorg.Silo;
using Buurtzorg.Storage;

switch (args.FirstOrDefault())
{
    case "call":
        return await CallCommand.Run(args);
    case "migrate":
        return await Migrate(args.Skip(1).ToArray());
    case "token":
        return await TokenCommand.Run(args);
}

var demo = args.Contains("--demo");
var app = SiloHost.Build(args.Where(a => a != "--demo").ToArray());
try
{
    await app.StartAsync();
}
catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
{
    // Stopped (SIGTERM) while still waiting for the database: the silo never started, so nothing is left to drain
    // (and Orleans refuses to stop a silo that never ran).
    return 0;
}

StartupBanner.Write(app);
if (demo)
{
    // A terminal-only mode: the instructions print as they are, across lines.
    var seeded = await DemoSeed.Run(app.Services);
    Console.WriteLine(seeded);
}

await app.WaitForShutdownAsync();
return 0;

// `migrate`: brings the database schema up to date without starting a silo, for operators.
static async Task<int> Migrate(string[] args)
{
    var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
    if (SiloHost.ConnectionString(configuration) is not { } connectionString)
    {
        await Console.Error.WriteLineAsync("migrate needs a database: set ConnectionStrings__Buurtzorg or pass --postgres \"<connection string>\".");
        return 2;
    }
    var report = await SchemaMigrator.ApplyAsync(connectionString);
    Console.WriteLine($"Schema is current. {report}");
    return 0;
}
