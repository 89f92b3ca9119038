using Buurtzorg.Domain.Records;

namespace Buurtzorg.Fhir;

/// <summary>
/// What an export reads: the record rebuilt from its whole history (<see cref="CareRecord.HasHistory"/>, so every
/// visit and correction is there, not only the present's window), and the teams and nurses it names.
/// </summary>
public sealed record FhirRecordSource(
    CareRecord Record,
    IReadOnlyDictionary<string, FhirTeam> Teams,
    IReadOnlyDictionary<string, FhirPractitioner> Practitioners)
{
    /// <summary>The named nurse and backup of the open episode, from the team's caseload (null: none known).</summary>
    public FhirAssignment? Assignment { get; init; }

    public override string ToString() => $"FhirRecordSource {Record.ClientId}";
}

/// <summary>Who the team named for the client now: the named nurse and her backup.</summary>
public sealed record FhirAssignment(string NamedNurseId, string? BackupNurseId);

/// <summary>A team as an export names it.</summary>
public sealed record FhirTeam(string TeamId, string Name);

/// <summary>A nurse as an export names her: her display name and, for a registered nurse, her NMC PIN.</summary>
public sealed record FhirPractitioner(string NurseId, string DisplayName, string? NmcPin)
{
    public override string ToString() => $"FhirPractitioner {NurseId}";
}
