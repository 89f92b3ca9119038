using Buurtzorg.Silo;

if (args.FirstOrDefault() == "call") return await CallCommand.Run(args);

var demo = args.Contains("--demo");
var app = SiloHost.Build(args.Where(a => a != "--demo").ToArray());
await app.StartAsync();

Console.WriteLine($"Buurtzorg.Grains is serving gRPC at {string.Join(", ", app.Urls)}.");
Console.WriteLine("EMBEDDED MODE: one silo, in-memory state. Nothing is kept after this process exits.");
if (demo)
{
    var seeded = await DemoSeed.Run(app.Services.GetRequiredService<IGrainFactory>());
    Console.WriteLine(seeded);
}

await app.WaitForShutdownAsync();
return 0;
