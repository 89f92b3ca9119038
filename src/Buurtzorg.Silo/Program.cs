using Buurtzorg.Api.Security;
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
await app.StartAsync();

Console.WriteLine($"Buurtzorg.Grains is serving gRPC at {string.Join(", ", app.Urls)}.");
Console.WriteLine(SiloHost.IsDurable(app.Configuration)
    ? "DURABLE MODE: membership, state, reminders and records in PostgreSQL."
    : "EMBEDDED MODE: one silo, in-memory state. Nothing is kept after this process exits.");
var clock = app.Services.GetRequiredService<Buurtzorg.Grains.CareClock>();
Console.WriteLine(clock.Offset == TimeSpan.Zero
    ? $"CARE CLOCK: {clock.LocalTimeZone.Id}, now {clock.LocalNow:yyyy-MM-dd HH:mm zzz}."
    : $"CARE CLOCK: {clock.LocalTimeZone.Id}, started at {clock.LocalNow:yyyy-MM-dd HH:mm zzz} (not real time; runs on).");
if (app.Services.GetRequiredService<SigningKeys>() is { IsDevelopment: true } keys)
{
    Console.WriteLine($"SECURITY: no signing keys configured; tokens are checked against a development key ({keys.DevelopmentFile}).");
    Console.WriteLine("          Mint one with: dotnet run --project src/Buurtzorg.Silo -- token --role nurse --team <team id> --subject <nurse id>");
}
if (demo)
{
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
