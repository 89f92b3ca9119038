using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Buurtzorg.Baseline;

/// <summary>
/// <c>seed --postgres conn [--nurses 10] [--clients 60]</c>: one team seeded with SQL (<see cref="BaselineSchema.SeedTeam"/>),
/// its ids written to standard output as JSON. The simulator's comparison asks for its team this way, so it needs no
/// reference to this server project. Ids only: no NHS number, no name.
/// </summary>
public static class SeedCommand
{
    public static async Task<int> Run(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        string? Option(string name) => args.ToList().IndexOf(name) is var at and >= 0 && at + 1 < args.Count ? args[at + 1] : null;
        if (Option("--postgres") is not { Length: > 0 } postgres)
        {
            await errors.WriteLineAsync("usage: Buurtzorg.Baseline seed --postgres \"<connection string>\" [--nurses n] [--clients n]");
            return 2;
        }
        var nurses = int.Parse(Option("--nurses") ?? "10", CultureInfo.InvariantCulture);
        var clients = int.Parse(Option("--clients") ?? "60", CultureInfo.InvariantCulture);
        await using var database = NpgsqlDataSource.Create(postgres);
        var team = await BaselineSchema.SeedTeam(database, nurses, clients);
        await output.WriteLineAsync(JsonSerializer.Serialize(new SeededTeam(team.TeamId, team.NurseIds,
            [.. team.Clients.Select(c => new SeededClient(c.ClientId, c.NurseId))])));
        return 0;
    }
}

/// <summary>The seeded team as <see cref="SeedCommand"/> writes it.</summary>
public sealed record SeededTeam(string TeamId, IReadOnlyList<string> NurseIds, IReadOnlyList<SeededClient> Clients);

/// <summary>A seeded client and its named nurse.</summary>
public sealed record SeededClient(string ClientId, string NurseId);
