using System.Text.Json;

namespace Buurtzorg.Simulator.OrganisationDay;

/// <summary>
/// What the simulated team apps know: ids the server gave, who is named for whom (as the last caseload said), who is
/// on leave. Only the run's own thread changes membership and the client list, between phases.
/// </summary>
public sealed class Organisation
{
    public List<TeamState> Teams { get; } = [];

    public IEnumerable<ClientState> Clients => Teams.SelectMany(t => t.Clients);

    public IEnumerable<NurseState> Nurses => Teams.SelectMany(t => t.Members);

    /// <summary>The scale the organisation was formed at, and the seed it was drawn with.</summary>
    public int NursesPerTeam { get; set; }

    public int ClientsPerTeam { get; set; }

    public int Seed { get; set; }

    /// <summary>How many NHS test numbers lie behind the organisation's referrals, so later referrals continue after them.</summary>
    public int NhsNumbersUsed { get; set; }

    private const int Version = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Writes the organisation as formed: the server's ids and who is named for whom. Never an NHS number or a name, so
    /// the file can be kept beside a benchmark's results.
    /// </summary>
    public async Task Save(string path)
    {
        var file = new SavedOrganisation(Version, Seed, NursesPerTeam, ClientsPerTeam, NhsNumbersUsed, Teams.Select(t => new SavedTeam(
            t.Index, t.District, t.Id, t.Active, t.Capacity, t.Members.Select(n => n.Id).ToList(),
            t.Clients.Select(c => new SavedClient(c.Id, c.NamedNurseId, c.ProblemId, c.InterventionId)).ToList())).ToList());
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, Json));
    }

    public static async Task<Organisation> Load(string path)
    {
        var file = JsonSerializer.Deserialize<SavedOrganisation>(await File.ReadAllTextAsync(path), Json)
            ?? throw new InvalidDataException($"{path} holds no organisation.");
        if (file.Version != Version) throw new InvalidDataException($"{path} is a version {file.Version} organisation; this simulator reads version {Version}.");
        var organisation = new Organisation
        {
            NursesPerTeam = file.NursesPerTeam,
            ClientsPerTeam = file.ClientsPerTeam,
            Seed = file.Seed,
            NhsNumbersUsed = file.NhsNumbersUsed,
        };
        foreach (var saved in file.Teams)
        {
            var team = new TeamState(saved.Index, saved.District) { Id = saved.Id, Active = saved.Active, Capacity = saved.Capacity };
            team.Members.AddRange(saved.Members.Select(id => new NurseState(id)));
            team.Clients.AddRange(saved.Clients.Select(c => new ClientState(c.Id, c.NamedNurseId) { ProblemId = c.ProblemId, InterventionId = c.InterventionId }));
            organisation.Teams.Add(team);
        }
        if (organisation.Teams.Count == 0) throw new InvalidDataException($"{path} holds an organisation without teams.");
        return organisation;
    }

    private sealed record SavedOrganisation(int Version, int Seed, int NursesPerTeam, int ClientsPerTeam, int NhsNumbersUsed, IReadOnlyList<SavedTeam> Teams);

    private sealed record SavedTeam(int Index, string District, string Id, bool Active, int Capacity, IReadOnlyList<string> Members, IReadOnlyList<SavedClient> Clients);

    private sealed record SavedClient(string Id, string NamedNurseId, string? ProblemId, string? InterventionId);
}

public sealed class TeamState(int index, string district)
{
    public int Index { get; } = index;
    public string District { get; } = district;
    public string Id { get; set; } = "";
    public bool Active { get; set; }
    public int Capacity { get; set; }
    public List<NurseState> Members { get; } = [];
    public List<ClientState> Clients { get; } = [];

    /// <summary>Client id to named nurse id, from the latest caseload a nurse of the team loaded.</summary>
    public IReadOnlyDictionary<string, string> NamedNurses { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public override string ToString() => $"team {Index}";
}

public sealed class NurseState(string id)
{
    public string Id { get; } = id;
    public bool OnLeave { get; set; }
}

public sealed class ClientState(string id, string namedNurseId)
{
    public string Id { get; } = id;
    public string NamedNurseId { get; set; } = namedNurseId;
    public string? ProblemId { get; set; }
    public string? InterventionId { get; set; }
}
