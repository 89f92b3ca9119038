using Buurtzorg.Api;
using Buurtzorg.Baseline;
using Buurtzorg.Grains;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

// dotnet Buurtzorg.Baseline.dll --urls http://127.0.0.1:5096 --postgres "<connection string>" [--Security:Jwt:... as the silo]
// [--CareClock:TimeZone Europe/London]
// dotnet Buurtzorg.Baseline.dll seed --postgres "<connection string>" [--nurses 10] [--clients 60]: one team seeded, its ids as JSON.
// The conventional service of issue 13's comparison: RecordVisit, GetRecord and GetCaseload from protos/, straight on
// PostgreSQL, with the silo's own caller checks. gRPC over HTTP/2 without TLS (h2c), as the silo serves it.
if (args.FirstOrDefault() == "seed") return await SeedCommand.Run(args, Console.Out, Console.Error);
var builder = WebApplication.CreateBuilder(args);
var connectionString = builder.Configuration["postgres"] is { Length: > 0 } given ? given
    : builder.Configuration.GetConnectionString("Baseline") is { Length: > 0 } configured ? configured
    : null;
if (connectionString is null)
{
    Console.Error.WriteLine("usage: Buurtzorg.Baseline --urls http://127.0.0.1:<port> --postgres \"<connection string>\"");
    return 2;
}
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddSingleton(new NpgsqlDataSourceBuilder(connectionString) { Name = "baseline" }.Build());
builder.Services.AddSingleton(new CareClock(CareClock.Zone(builder.Configuration["CareClock:TimeZone"] ?? CareClock.DefaultTimeZone)));
builder.Services.AddBuurtzorgCallChecks(builder.Configuration);
// Serving once started, as the silo's check answers once it is active (with no check at all the answer is UNKNOWN).
builder.Services.AddGrpcHealthChecks().AddCheck("baseline", () => HealthCheckResult.Healthy());

var app = builder.Build();
await BaselineSchema.Create(app.Services.GetRequiredService<NpgsqlDataSource>());
app.MapGrpcService<BaselineCareRecordApi>().RequireAuthorization();
app.MapGrpcService<BaselineTeamApi>().RequireAuthorization();
// Open, as on the silo: the benchmark's ceiling and readiness check carry no token.
app.MapGrpcHealthChecksService();
await app.RunAsync();
return 0;
