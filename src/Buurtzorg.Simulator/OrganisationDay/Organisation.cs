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
