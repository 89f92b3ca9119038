using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Buurtzorg.Storage.Journal;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Records = Buurtzorg.Domain.Records;

namespace Buurtzorg.Simulator.RecordOpen;

/// <summary>
/// Opening a record with a long history. Through gRPC as a team app, one small team admits one client with a care plan
/// and records care (visits, weekly-ish notes, ratings) until the record has the entries asked for. The care goes through
/// the silo, not the journal's bulk path: the silo has held the client's grain active since the admission, and entries
/// written behind it would leave that activation stale (GetRecord would answer the old record; its next write would
/// conflict). Then it measures GetRecord on that client, and what an activation pays to open the record: the journal's
/// <see cref="PostgresRecordJournal.Load"/> against the same database. When a load misses the target at p99 (or with
/// <c>--parts</c>) the load is timed in parts: the PostgreSQL read, the JSON, the fold of the entries after the snapshot.
/// </summary>
public sealed class RecordOpenBenchmark(CallInvoker channel, BenchmarkTokens tokens, RecordOpenOptions options, TextWriter progress)
{
    public const double TargetP99Ms = 10;
    public const double GetRecordTargetP99Ms = 2;
    public const string GetRecord = "GetRecord over gRPC";
    public const string Load = "journal Load (activation)";
    public const string ReadPart = "part: PostgreSQL read";
    public const string JsonPart = "part: JSON to entries";
    public const string ReplayPart = "part: fold of the entries after the snapshot";

    private const int FillConcurrency = 16;

    // The two queries Load runs, read as text only.
    private const string SnapshotSql = "SELECT seq, record::text FROM record_snapshot WHERE client_id = $1";
    private const string NewerSql = "SELECT seq, entry::text FROM record_journal WHERE client_id = $1 " +
        "AND seq > COALESCE((SELECT seq FROM record_snapshot WHERE client_id = $1), 0) ORDER BY seq";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly TeamService.TeamServiceClient _teams = new(channel);
    private readonly NurseService.NurseServiceClient _nurses = new(channel);
    private readonly ReferralService.ReferralServiceClient _referrals = new(channel);
    private readonly CareRecordService.CareRecordServiceClient _records = new(channel);

    private CallOptions As(string subject, Role role, string? teamId) => tokens.As(role, teamId, subject);

    public async Task<RecordOpenReport> Run()
    {
        await using var database = NpgsqlDataSource.Create(options.Postgres);
        var (client, fill, fillSeconds) = await Prepare(database);
        progress.WriteLine("record-open: measuring");

        var measurements = new Measurements();
        var nurse = As(client.NurseId, Role.Nurse, client.TeamId);
        var request = new GetRecordRequest { ClientId = client.ClientId };
        await Repeat(Math.Min(100, options.Samples), options.Concurrency, _ => _records.GetRecordAsync(request, nurse).ResponseAsync);
        await Repeat(options.Samples, options.Concurrency, _ => measurements.Time(GetRecord, () => _records.GetRecordAsync(request, nurse).ResponseAsync));

        var journal = new PostgresRecordJournal(database);
        async Task<Grains.Journal.JournaledRecord> Open() =>
            await journal.Load(client.ClientId) ?? throw new InvalidOperationException("The client's record is not in this database: is --postgres the silo's?");
        await Repeat(Math.Min(20, options.Samples), options.Concurrency, _ => Open());
        await Repeat(options.Samples, options.Concurrency, _ => measurements.Time(Load, Open));

        var snapshot = await Snapshot(database, client.ClientId, (await Open()).Record);
        if (options.Parts || measurements.Operations[Load].PercentileMs(99) > TargetP99Ms)
            await TimeParts(database, client.ClientId, measurements);
        var heldBytes = await Weigh(Open);
        return new RecordOpenReport(client.ClientId, options, measurements, snapshot, heldBytes, fill, fillSeconds);
    }

    /// <summary>One client on a team of its own, its record written through the silo up to the entries asked for.</summary>
    public async Task<(FormedClient Client, long Entries, double Seconds)> Prepare(NpgsqlDataSource database)
    {
        var client = await Form();
        progress.WriteLine($"record-open: client {client.ClientId} admitted; recording care through the silo up to {options.Entries} entries");
        var filled = Stopwatch.GetTimestamp();
        var entries = await Fill(database, client);
        var seconds = Stopwatch.GetElapsedTime(filled).TotalSeconds;
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"record-open: {entries} entries written in {seconds:0.0} s"));
        return (client, entries, seconds);
    }

    public sealed record FormedClient(string ClientId, string TeamId, string NurseId, string ProblemId, string InterventionId);

    /// <summary>A team of four (the safe-staffing minimum), one client admitted with a problem and a daily intervention.</summary>
    private async Task<FormedClient> Form()
    {
        var office = As("simulator-office", Role.CentralOffice, null);
        // A district no organisation day uses, so the team's neighbourhood is its own.
        var team = (await _teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = $"open-{_run}", Name = "Record open", Footprint = { "ZE1" } }, office)).Team;
        await _teams.ApproveTeamAsync(new ApproveTeamRequest { RequestId = $"open-{_run}-approve", TeamId = team.TeamId }, office);
        string? first = null;
        for (var n = 0; n < 4; n++)
        {
            var member = (await _nurses.RegisterNurseAsync(BenchmarkTeam.Registrant($"open-{_run}-nurse-{n}", $"Record-open nurse {n}"), office)).Nurse;
            first ??= member.NurseId;
            await _teams.JoinTeamAsync(new JoinTeamRequest { RequestId = $"open-{_run}-join-{n}", TeamId = team.TeamId, NurseId = member.NurseId }, As(first, Role.Nurse, team.TeamId));
        }

        // A test-range NHS number drawn afresh each run; one already on a caseload cannot be admitted, so draw again.
        for (var attempt = 0; ; attempt++)
        {
            var asFirst = As(first!, Role.Nurse, team.TeamId);
            var referral = (await _referrals.ReferAsync(new ReferRequest
            {
                RequestId = $"open-{_run}-refer-{attempt}",
                TeamId = team.TeamId,
                Source = ReferralSource.GeneralPractitioner,
                NhsNumber = Domain.Common.NhsNumber.ForTesting(Random.Shared.Next(500_000, 900_000)).Digits,
                Client = new ClientDetails { GivenName = "Record", FamilyName = "Open", DateOfBirth = "1940-01-01", AddressLine = "1 Test Road", Postcode = "ZE1 0AA" },
                Needs = { Skill.WoundCare },
            }, asFirst)).Referral;
            AdmitResponse admitted;
            try
            {
                admitted = await _referrals.AdmitAsync(new AdmitRequest { RequestId = $"open-{_run}-admit-{attempt}", TeamId = team.TeamId, ReferralId = referral.ReferralId }, asFirst);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition && attempt < 5)
            {
                continue;
            }
            var (clientId, named) = (admitted.Entry.ClientId, admitted.Entry.NamedNurseId);
            var asNamed = As(named, Role.Nurse, team.TeamId);
            var problem = (await _records.AddProblemAsync(new AddProblemRequest
            {
                RequestId = $"open-{_run}-problem",
                ClientId = clientId,
                RecordedBy = named,
                Problem = OmahaProblem.Skin,
                Scope = ProblemScope.Individual,
                Severity = ProblemSeverity.Potential,
            }, asNamed)).Problem;
            var intervention = (await _records.AddInterventionAsync(new AddInterventionRequest
            {
                RequestId = $"open-{_run}-intervention",
                ClientId = clientId,
                RecordedBy = named,
                ProblemId = problem.ProblemId,
                Category = InterventionCategory.TreatmentsProcedures,
                Target = "wound care",
                CareType = CareType.Nursing,
                Frequency = new VisitFrequency { Times = 1, Period = FrequencyPeriod.Day },
                TimeWindow = TimeWindow.Morning,
                DurationMinutes = 30,
                Skills = { Skill.WoundCare },
            }, asNamed)).Intervention;
            return new FormedClient(clientId, team.TeamId, named, problem.ProblemId, intervention.InterventionId);
        }
    }

    /// <summary>
    /// Visits, with a note every fourth entry and a rating every sixteenth (about the mix of a year of care), written by
    /// a few callers at once: the grain takes them one at a time, the callers only keep it busy.
    /// </summary>
    private async Task<long> Fill(NpgsqlDataSource database, FormedClient client)
    {
        var headers = As(client.NurseId, Role.Nurse, client.TeamId);
        var now = DateTimeOffset.UtcNow;
        var have = await NewestSeq(database, client.ClientId);
        var todo = (int)Math.Max(0, options.Entries - have);
        var written = 0;
        await Repeat(todo, FillConcurrency, async i =>
        {
            var requestId = $"open-{_run}-{i}";
            if (i % 16 == 15)
            {
                await _records.RateProblemAsync(new RateProblemRequest
                {
                    RequestId = requestId,
                    ClientId = client.ClientId,
                    RecordedBy = client.NurseId,
                    ProblemId = client.ProblemId,
                    Rating = new OutcomeRating { Knowledge = 1 + i % 5, Behaviour = 1 + i / 7 % 5, Status = 1 + i / 11 % 5 },
                }, headers);
            }
            else if (i % 4 == 3)
            {
                await _records.AddNoteAsync(new AddNoteRequest { RequestId = requestId, ClientId = client.ClientId, RecordedBy = client.NurseId, Text = "Care given as planned." }, headers);
            }
            else
            {
                await _records.RecordVisitAsync(new RecordVisitRequest
                {
                    RequestId = requestId,
                    ClientId = client.ClientId,
                    NurseId = client.NurseId,
                    // Inside the episode, which began when the client was formed: the rules refuse visits before it.
                    Start = Timestamp.FromDateTimeOffset(now.AddMinutes(-1).AddSeconds(-i % 36_000)),
                    DurationMinutes = 30,
                    DirectCareMinutes = 21,
                    InterventionsDone = { client.InterventionId },
                }, headers);
            }
            if (Interlocked.Increment(ref written) % 1000 == 0) progress.WriteLine($"record-open: {written}/{todo} entries");
        });
        var seq = await NewestSeq(database, client.ClientId);
        if (seq < options.Entries) throw new InvalidOperationException($"The record reached {seq} entries, not {options.Entries}.");
        return seq;
    }

    private static async Task<long> NewestSeq(NpgsqlDataSource database, string clientId)
    {
        await using var command = database.CreateCommand("SELECT COALESCE(max(seq), 0) FROM record_journal WHERE client_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What the snapshot holds: its place, its size as text and on disk, and how much of it is the history.</summary>
    private static async Task<SnapshotFacts> Snapshot(NpgsqlDataSource database, string clientId, Records.CareRecord record)
    {
        await using var command = database.CreateCommand(
            "SELECT s.seq, octet_length(s.record::text), pg_column_size(s.record), " +
            "(SELECT max(seq) FROM record_journal j WHERE j.client_id = s.client_id) FROM record_snapshot s WHERE s.client_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        await using var reader = await command.ExecuteReaderAsync();
        var (seq, text, stored, newest) = await reader.ReadAsync()
            ? (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3))
            : (0L, 0, 0, await NewestSeq(database, clientId));
        var present = JsonSerializer.SerializeToUtf8Bytes(record, DomainJson.Options).Length;
        return new SnapshotFacts(seq, newest, text, stored, present);
    }

    /// <summary>A load in three parts, each timed alone on the same data: the read, the JSON, the replay.</summary>
    private async Task TimeParts(NpgsqlDataSource database, string clientId, Measurements measurements)
    {
        (string? Snapshot, List<string> Newer) read = (null, []);
        (Records.CareRecord Present, List<Records.RecordEntry> Newer) parsed = (Records.CareRecord.Create(clientId), []);
        for (var i = 0; i < options.Samples + 20; i++)
        {
            var timed = i >= 20; // the first rounds warm up
            var m = timed ? measurements : new Measurements();
            await m.Time(ReadPart, async () => (object)(read = await Read(database, clientId)));
            await m.Time(JsonPart, () => Task.FromResult<object>(parsed = Parse(clientId, read.Snapshot, read.Newer)));
            await m.Time(ReplayPart, () => Task.FromResult<object>(parsed.Newer.Aggregate(parsed.Present, (r, e) => r.Apply(e))));
        }
    }

    private static async Task<(string? Snapshot, List<string> Newer)> Read(NpgsqlDataSource database, string clientId)
    {
        await using var batch = database.CreateBatch();
        foreach (var sql in (string[])[SnapshotSql, NewerSql])
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = clientId });
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync();
        var snapshot = await reader.ReadAsync() ? reader.GetString(1) : null;
        await reader.NextResultAsync();
        var newer = new List<string>();
        while (await reader.ReadAsync()) newer.Add(reader.GetString(1));
        return (snapshot, newer);
    }

    private static (Records.CareRecord Present, List<Records.RecordEntry> Newer) Parse(string clientId, string? snapshot, List<string> newer)
    {
        var present = snapshot is null
            ? Records.CareRecord.Create(clientId).Present()
            : JsonSerializer.Deserialize<Records.CareRecord>(snapshot, DomainJson.Options)!.Present();
        return (present, [.. newer.Select(e => JsonSerializer.Deserialize<Records.RecordEntry>(e, DomainJson.Options)!)]);
    }

    /// <summary>Bytes one loaded record keeps on the heap: several copies held at once, weighed after a full collection.</summary>
    private async Task<long> Weigh(Func<Task<Grains.Journal.JournaledRecord>> open)
    {
        var held = new List<Records.CareRecord>(options.Copies);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < options.Copies; i++) held.Add((await open()).Record);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(held);
        return (after - before) / options.Copies;
    }

    /// <summary>Runs <paramref name="count"/> steps over <paramref name="concurrency"/> callers.</summary>
    private static async Task Repeat(int count, int concurrency, Func<int, Task> step)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) await step(i);
        })));
    }
}

/// <summary>The record's snapshot: where it stands in the journal and how big it is.</summary>
public sealed record SnapshotFacts(long Seq, long NewestSeq, int TextBytes, int StoredBytes, int PresentJsonBytes);

/// <summary>What <c>record-open</c> measured, as a Markdown table.</summary>
public sealed record RecordOpenReport(
    string ClientId, RecordOpenOptions Options, Measurements Measurements, SnapshotFacts Snapshot, long HeldBytes, long Entries, double FillSeconds)
{
    public string ToMarkdown()
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"record-open: client {ClientId}, {Entries} entries (written through the silo in {FillSeconds:0.0} s), {Options.Samples} samples, concurrency {Options.Concurrency}, {Environment.ProcessorCount} cores; targets p99 under {RecordOpenBenchmark.TargetP99Ms} ms to open, {RecordOpenBenchmark.GetRecordTargetP99Ms} ms for GetRecord");
        report.AppendLine();
        report.AppendLine("| measure | samples | p50 ms | p90 ms | p99 ms | max ms | errors |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var name in (string[])[RecordOpenBenchmark.GetRecord, RecordOpenBenchmark.Load, RecordOpenBenchmark.ReadPart, RecordOpenBenchmark.JsonPart, RecordOpenBenchmark.ReplayPart])
        {
            if (!Measurements.Operations.TryGetValue(name, out var op)) continue;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {op.Count} | {op.PercentileMs(50):0.00} | {op.PercentileMs(90):0.00} | {op.PercentileMs(99):0.00} | {op.MaxMs:0.00} | {op.Errors} |");
        }
        report.AppendLine();
        var s = Snapshot;
        report.AppendLine("| snapshot | value |");
        report.AppendLine("|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| taken at entry / newest entry | {s.Seq} / {s.NewestSeq} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| size as JSON text (jsonb::text) | {s.TextBytes:N0} bytes |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| size stored (jsonb, after TOAST compression) | {s.StoredBytes:N0} bytes |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| the record's present as JSON (what a snapshot stores) | {s.PresentJsonBytes:N0} bytes |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| entries folded on open | the snapshot's present + {s.NewestSeq - s.Seq} newer rows |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| heap held per loaded record | {HeldBytes / 1024.0:N0} KiB, {(double)HeldBytes / Entries:N0} bytes per entry |");
        return report.ToString();
    }
}
