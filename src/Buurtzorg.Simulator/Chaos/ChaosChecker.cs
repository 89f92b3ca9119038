using Buurtzorg.Api.V1;
using Grpc.Core;
using Npgsql;

namespace Buurtzorg.Simulator.Chaos;

/// <summary>What the checker found; ids only, never patient data.</summary>
public sealed record ChaosCheck
{
    public int Acknowledged { get; init; }

    public int Refused { get; init; }

    public int Unresolved { get; init; }

    /// <summary>Acknowledged writes whose entry is not in the record's history.</summary>
    public List<string> Lost { get; init; } = [];

    /// <summary>Entries the history holds more than once, or of a kind the run wrote that no request of the run accounts for.</summary>
    public List<string> AppliedTwice { get; init; } = [];

    /// <summary>Refused writes whose entry is in the history all the same.</summary>
    public List<string> AppliedThoughRefused { get; init; } = [];

    /// <summary>Records whose history (the API) and journal rows (SQL) hold different entries.</summary>
    public List<string> JournalDisagrees { get; init; } = [];

    /// <summary>Records whose audited writes and journal entries of a kind differ in number.</summary>
    public List<string> AuditDisagrees { get; init; } = [];

    public List<string> Violations { get; init; } = [];

    public int Records { get; init; }

    public int HistoryEntries { get; init; }
}

/// <summary>
/// Checks, once the faults have stopped and every silo serves, that the run's acknowledged writes are all there
/// exactly once and that the rules still hold: each record's history read through the API (GetHistory, every page)
/// against the writes' entry ids and against its journal rows in SQL; the audit trail's write lines against the
/// journal; and the invariants of the teams' caseloads (a client on one caseload at most, named nurse and backup
/// current members, caseload within capacity, each acknowledged admission on the caseload and each acknowledged
/// discharge off it) and one record per NHS number.
/// </summary>
public sealed class ChaosChecker(ChaosCluster cluster, ChaosWorkload workload, ChaosLedger ledger, string postgres)
{
    /// <summary>The entry kinds the run's writes make; an entry of these kinds no write accounts for was applied twice.</summary>
    private static readonly string[] WrittenKinds =
        ["referral_received", "episode_opened", "episode_closed", "problem_added", "visit_recorded", "note_added", "rating_recorded"];

    /// <summary>Kinds written through a caller's own write to the record, each with a line in the audit trail.</summary>
    private static readonly string[] AuditedKinds = ["problem_added", "visit_recorded", "note_added", "rating_recorded"];

    public async Task<ChaosCheck> Run(CancellationToken cancellation)
    {
        var writes = ledger.Writes;
        var check = new ChaosCheck
        {
            Acknowledged = writes.Count(w => w.Outcome == WriteOutcome.Acknowledged),
            Refused = writes.Count(w => w.Outcome == WriteOutcome.Refused),
            Unresolved = writes.Count(w => w.Outcome == WriteOutcome.Unresolved),
        };
        var clients = writes.Select(w => w.ClientId).Distinct().Order(StringComparer.Ordinal).ToList();
        var byClient = writes.ToLookup(w => w.ClientId);
        var known = workload.Clients.ToDictionary(c => c.ClientId);
        await using var database = NpgsqlDataSource.Create(postgres);
        var journal = await JournalEntries(database, clients, cancellation);
        var entries = 0;
        foreach (var clientId in clients)
        {
            var history = await History(clientId, known.GetValueOrDefault(clientId), cancellation);
            entries += history.Count;
            var counted = history.GroupBy(e => e.EntryId).ToDictionary(g => g.Key, g => g.Count());
            var sent = byClient[clientId].ToLookup(w => w.EntryId);
            foreach (var write in byClient[clientId])
            {
                var times = counted.GetValueOrDefault(write.EntryId);
                if (write.Outcome == WriteOutcome.Acknowledged && times == 0) check.Lost.Add($"{write.Operation} {write.EntryId} on {clientId}");
                if (write.Outcome == WriteOutcome.Refused && times > 0 && !sent[write.EntryId].Any(w => w.Outcome == WriteOutcome.Acknowledged))
                    check.AppliedThoughRefused.Add($"{write.Operation} {write.EntryId} on {clientId} (answered {write.FinalStatus})");
            }
            foreach (var (entryId, times) in counted.Where(c => c.Value > 1)) check.AppliedTwice.Add($"{entryId} on {clientId} ({times} times)");
            foreach (var entry in history.Where(e => WrittenKinds.Contains(e.Kind) && !sent.Contains(e.EntryId)))
                check.AppliedTwice.Add($"{entry.Kind} {entry.EntryId} on {clientId}: no request of the run made it");
            var rows = journal[clientId].Order(StringComparer.Ordinal).ToList();
            if (!rows.SequenceEqual(history.Select(e => e.EntryId).Order(StringComparer.Ordinal)))
                check.JournalDisagrees.Add($"{clientId}: {history.Count} entries through the API, {rows.Count} journal rows");
        }
        check.AuditDisagrees.AddRange(await AuditAgainstJournal(database, clients, cancellation));
        check.Violations.AddRange(await Caseloads(known.Values, cancellation));
        check.Violations.AddRange(await RecordsPerNhsNumber(database, cancellation));
        return check with { Records = clients.Count, HistoryEntries = entries };
    }

    /// <summary>Every entry of the record through the API, as a nurse of the team that holds it (or held it last).</summary>
    private async Task<List<HistoryEntry>> History(string clientId, ChaosClient? client, CancellationToken cancellation)
    {
        var readers = workload.Teams.OrderBy(t => t == client?.LastTeam ? 0 : 1).ToList();
        foreach (var team in readers)
        {
            var entries = new List<HistoryEntry>();
            var token = "";
            try
            {
                do
                {
                    var page = await Read(invoker => new CareRecordService.CareRecordServiceClient(invoker).GetHistoryAsync(
                        new GetHistoryRequest { ClientId = clientId, PageSize = 500, PageToken = token }, team.Anchor).ResponseAsync, cancellation);
                    entries.AddRange(page.Entries);
                    token = page.NextPageToken;
                }
                while (token.Length > 0);
                return entries;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                // Another team holds the record: ask as one of its nurses.
            }
        }
        throw new InvalidOperationException($"No team of the run may read the history of {clientId}.");
    }

    private async Task<IEnumerable<string>> Caseloads(IEnumerable<ChaosClient> clients, CancellationToken cancellation)
    {
        var violations = new List<string>();
        var onCaseloads = new Dictionary<string, List<string>>();
        foreach (var team in workload.Teams)
        {
            var read = await Read(invoker => new TeamService.TeamServiceClient(invoker).GetTeamAsync(new GetTeamRequest { TeamId = team.Id }, team.Anchor).ResponseAsync, cancellation);
            var caseload = await Read(invoker => new TeamService.TeamServiceClient(invoker).GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.Id }, team.Anchor).ResponseAsync, cancellation);
            var members = read.Team.Members.Select(m => m.NurseId).ToHashSet();
            if (caseload.Entries.Count > caseload.Capacity)
                violations.Add($"team {team.Id}: {caseload.Entries.Count} clients on a caseload of capacity {caseload.Capacity}");
            foreach (var entry in caseload.Entries)
            {
                if (!members.Contains(entry.NamedNurseId)) violations.Add($"team {team.Id}: client {entry.ClientId}'s named nurse {entry.NamedNurseId} is no member");
                if (entry.BackupNurseId.Length > 0 && !members.Contains(entry.BackupNurseId))
                    violations.Add($"team {team.Id}: client {entry.ClientId}'s backup nurse {entry.BackupNurseId} is no member");
                if (!onCaseloads.TryGetValue(entry.ClientId, out var teams)) onCaseloads[entry.ClientId] = teams = [];
                teams.Add(team.Id);
            }
        }
        foreach (var (clientId, teams) in onCaseloads.Where(c => c.Value.Count > 1))
            violations.Add($"client {clientId} on {teams.Count} caseloads ({string.Join(", ", teams)})");
        var unresolved = ledger.Writes.Where(w => w.Outcome == WriteOutcome.Unresolved).Select(w => w.ClientId).ToHashSet();
        foreach (var client in clients.Where(c => !unresolved.Contains(c.ClientId)))
        {
            var teams = onCaseloads.GetValueOrDefault(client.ClientId) ?? [];
            if (client.Team is { } team && !teams.Contains(team.Id))
                violations.Add($"client {client.ClientId}: admitted to team {team.Id} (acknowledged) but not on its caseload");
            if (client.Team is null && teams.Count > 0)
                violations.Add($"client {client.ClientId}: on the caseload of {string.Join(", ", teams)} though no admission since the last discharge was acknowledged");
        }
        return violations;
    }

    private static async Task<ILookup<string, string>> JournalEntries(NpgsqlDataSource database, IReadOnlyList<string> clients, CancellationToken cancellation)
    {
        await using var query = database.CreateCommand("SELECT client_id, entry_id FROM record_journal WHERE client_id = ANY($1)");
        query.Parameters.Add(new NpgsqlParameter { Value = clients.ToArray() });
        await using var rows = await query.ExecuteReaderAsync(cancellation);
        var found = new List<(string Client, string Entry)>();
        while (await rows.ReadAsync(cancellation)) found.Add((rows.GetString(0), rows.GetString(1)));
        return found.ToLookup(r => r.Client, r => r.Entry);
    }

    /// <summary>For each record and kind of write a caller makes itself: as many audited writes as journal entries.</summary>
    private static async Task<IEnumerable<string>> AuditAgainstJournal(NpgsqlDataSource database, IReadOnlyList<string> clients, CancellationToken cancellation)
    {
        await using var query = database.CreateCommand("""
            WITH journal AS (
                SELECT client_id, kind, count(*) AS n FROM record_journal
                WHERE client_id = ANY($1) AND kind = ANY($2) GROUP BY client_id, kind),
            audit AS (
                SELECT client_id, substr(action, 7) AS kind, count(*) AS n FROM audit_log
                WHERE client_id = ANY($1) AND action LIKE 'write %' AND substr(action, 7) = ANY($2) GROUP BY client_id, substr(action, 7))
            SELECT client_id, kind, coalesce(journal.n, 0), coalesce(audit.n, 0)
            FROM journal FULL JOIN audit USING (client_id, kind)
            WHERE coalesce(journal.n, 0) <> coalesce(audit.n, 0)
            """);
        query.Parameters.Add(new NpgsqlParameter { Value = clients.ToArray() });
        query.Parameters.Add(new NpgsqlParameter { Value = AuditedKinds });
        await using var rows = await query.ExecuteReaderAsync(cancellation);
        var found = new List<string>();
        while (await rows.ReadAsync(cancellation))
            found.Add($"{rows.GetString(0)} {rows.GetString(1)}: {rows.GetInt64(2)} journal entries, {rows.GetInt64(3)} audited writes");
        return found;
    }

    /// <summary>Every NHS number the journal's referrals name belongs to one record; the numbers themselves are never printed.</summary>
    private static async Task<IEnumerable<string>> RecordsPerNhsNumber(NpgsqlDataSource database, CancellationToken cancellation)
    {
        await using var query = database.CreateCommand("""
            SELECT count(*) FROM (
                SELECT entry->>'nhsNumber' FROM record_journal
                WHERE kind = 'referral_received' AND entry->>'nhsNumber' IS NOT NULL
                GROUP BY entry->>'nhsNumber' HAVING count(DISTINCT client_id) > 1) AS shared
            """);
        var shared = (long)(await query.ExecuteScalarAsync(cancellation))!;
        return shared == 0 ? [] : [$"{shared} NHS numbers with more than one record"];
    }

    /// <summary>A read, sent again while a silo is not ready or the connection fails (the faults have stopped).</summary>
    private async Task<T> Read<T>(Func<CallInvoker, Task<T>> call, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(await cluster.Next(cancellation));
            }
            catch (RpcException e) when (attempt < 30 && (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded || e.Status.DebugException is not null))
            {
                await Task.Delay(500, cancellation);
            }
        }
    }
}
