using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Fhir;
using Buurtzorg.Grains;

namespace Buurtzorg.Api.Fhir;

/// <summary>
/// Gathers what a FHIR export of one record needs: the whole history, a page at a time from the journal (each page
/// audited as a read of the record, as GetHistory's are), rebuilt into a record, the teams and nurses it names, and
/// the open episode's named nurse and backup from the team's caseload.
/// </summary>
internal sealed class FhirRecordReader(IGrainFactory grains)
{
    private const int Page = 500;

    public async Task<FhirRecordSource> Read(string clientId)
    {
        var client = grains.GetGrain<IClientGrain>(clientId);
        var entries = new List<RecordEntry>();
        long after = 0;
        while (true)
        {
            var page = await client.History(after, Page);
            entries.AddRange(page.Entries.Select(item => item.Entry));
            if (page.NextAfterSeq is not { } next) break;
            after = next;
        }
        var record = CareRecord.Replay(clientId, entries);
        var teams = new Dictionary<string, FhirTeam>(StringComparer.Ordinal);
        FhirAssignment? assignment = null;
        foreach (var teamId in record.PastEpisodes.Select(e => e.TeamId).Concat(record.OpenEpisode is { } open ? [open.TeamId] : []).Distinct())
        {
            try
            {
                var team = await grains.GetGrain<ITeamGrain>(teamId).Get();
                teams[teamId] = new FhirTeam(teamId, team.Name);
                if (teamId == record.OpenEpisode?.TeamId && team.CaseloadOf(clientId) is { } entry)
                    assignment = new FhirAssignment(entry.NamedNurseId, entry.BackupNurseId);
            }
            catch (RuleRefusedException refused) when (refused.Violation == RuleViolation.PermissionDenied)
            {
                // A caller who may read the record but not the team (out of hours, with a reason): the export names
                // the team by its id only, and no care team.
            }
        }
        var practitioners = new Dictionary<string, FhirPractitioner>(StringComparer.Ordinal);
        IEnumerable<string> assigned = assignment is null ? [] : new[] { assignment.NamedNurseId, assignment.BackupNurseId }.OfType<string>();
        foreach (var nurseId in NursesNamed(entries).Concat(assigned).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var nurse = await grains.GetGrain<INurseGrain>(nurseId).Get();
                practitioners[nurseId] = new FhirPractitioner(nurseId, nurse.DisplayName, nurse.Pin?.Value);
            }
            catch (RuleRefusedException refused) when (refused.Violation is RuleViolation.NotFound or RuleViolation.PermissionDenied)
            {
                // Written by the system (a team's step), not by a registered nurse, or a nurse the caller may not look
                // up (out of hours): the export names no practitioner for her.
            }
        }
        return new FhirRecordSource(record, teams, practitioners) { Assignment = assignment };
    }

    /// <summary>The nurses who made the record's clinical entries or visits (referrals and episodes come from teams).</summary>
    private static IEnumerable<string> NursesNamed(IEnumerable<RecordEntry> entries) => entries
        .Where(e => e is not (ReferralReceived or EpisodeOpened or EpisodeClosed))
        .SelectMany(e => e is VisitRecorded visit ? [e.RecordedBy, visit.NurseId] : new[] { e.RecordedBy })
        .Distinct(StringComparer.Ordinal);
}
