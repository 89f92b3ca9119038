using System.Globalization;
using Buurtzorg.Api.Security;
using Buurtzorg.Simulator;
using Microsoft.Extensions.Configuration;
using Grpc.Net.Client;

// dotnet run -c Release --project src/Buurtzorg.Simulator -- visits [--target http://localhost:5000] [--concurrency 16]
//     [--duration 20] [--seed 1] [--postgres "<connection string of the silo's database>"]
// Tokens are minted with the same signing keys as the silo: its development key file on this machine, or the keys
// given as --Security:Jwt:Keys:0:Id … --Security:Jwt:Keys:0:Secret … (as the silo takes them).
var command = args.FirstOrDefault();
string? Option(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

if (command != "visits")
{
    Console.Error.WriteLine("usage: visits [--target url] [--concurrency n] [--duration seconds] [--seed n] [--postgres conn]");
    return 2;
}

var target = Option("--target") ?? "http://localhost:5000";
var concurrency = int.Parse(Option("--concurrency") ?? "16", CultureInfo.InvariantCulture);
var duration = TimeSpan.FromSeconds(int.Parse(Option("--duration") ?? "20", CultureInfo.InvariantCulture));
var seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
using var channel = GrpcChannel.ForAddress(target);
var keys = SigningKeys.From(new ConfigurationBuilder().AddCommandLine(args.Skip(1).ToArray()).Build());
Console.WriteLine(await new VisitBenchmark(channel, new TokenIssuer(keys), concurrency, duration, Option("--postgres"), seed).Run());
return 0;
