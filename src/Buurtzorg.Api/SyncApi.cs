using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Buurtzorg.Api;

/// <summary>
/// Work done offline, sent in one batch, and what changed meanwhile. Each item of an upload is built and checked by
/// the single call's own code (<see cref="CareRecordApi"/>, <see cref="OnCallApi"/>), sent to the record as an offline
/// write, and answered as the single call would be; items for one client go in order, clients side by side.
/// </summary>
internal sealed class SyncApi(IGrainFactory grains, CareClock clock, CallerSeal seal, ILogger<ErrorInterceptor> logger)
    : SyncService.SyncServiceBase
{
    /// <summary>The most items one upload takes; an app with more sends several batches, in order.</summary>
    public const int MaxItems = 200;

    /// <summary>How many clients' items are applied side by side.</summary>
    private const int Lanes = 8;

    private const string CursorList = "sync";
    private const int DefaultChangesPage = 100;
    private const int MaxChangesPage = 200;

    private readonly CareRecordApi _records = new(grains, clock);
    private readonly OnCallApi _onCall = new(grains, clock);
    private readonly ErrorInterceptor _errors = new(logger);

    public override async Task<UploadResponse> Upload(UploadRequest request, ServerCallContext context)
    {
        var teamId = Ids.Parse(request.TeamId, "team_id");
        var items = request.Items;
        if (items.Count > MaxItems)
            throw CareRuleException.Invalid($"An upload holds at most {MaxItems} items: send the rest in a later batch, in order.");
        var ids = items.Select(RequestIdOf).Where(id => id.Length > 0).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
            throw CareRuleException.Invalid("Two items of the upload have the same request_id: each write needs its own.");

        var results = new UploadResult[items.Count];
        var lanes = Enumerable.Range(0, items.Count).GroupBy(i => ClientIdOf(items[i]), StringComparer.Ordinal);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Lanes, CancellationToken = context.CancellationToken };
        await Parallel.ForEachAsync(lanes, options, async (lane, _) =>
        {
            // A later item for a client waits for the earlier; once one could not be saved, the rest wait for a resend.
            var blocked = false;
            foreach (var i in lane)
            {
                results[i] = blocked ? NotTried(items[i]) : await Apply(items[i], teamId, context.Method);
                blocked |= results[i].Outcome == UploadOutcome.Unavailable;
            }
        });
        var response = new UploadResponse();
        response.Results.AddRange(results);
        return response;
    }

    private async Task<UploadResult> Apply(UploadItem item, string teamId, string method)
    {
        var result = new UploadResult { RequestId = RequestIdOf(item), ClientId = ClientIdOf(item) };
        try
        {
            if (item.WriteCase == UploadItem.WriteOneofCase.None) throw CareRuleException.Invalid("The item carries no write.");
            var call = await Prepare(item);
            // The single call's access rule, for this item; the record's grain checks its team as for the single call.
            var operation = call.Entry is VisitRecorded { OutOfHours: true } ? Operation.RecordOutOfHoursVisit : Operation.WriteRecord;
            if (AccessPolicy.Decide(seal.Current(), operation, null, teamCheckedElsewhere: true) is { Allowed: false, Denial: var denial })
                throw new RuleRefusedException(RuleViolation.PermissionDenied, denial!, "PERMISSION_DENIED");
            var offline = await call.Client.AppendOffline(call.Entry);
            var entry = offline.Write.Entry;
            // Asked again for a write sent again: a conflict stays one, and the flag stays raised until the team reviews.
            var flagged = WrittenBy(entry) is { } nurseId
                ? await grains.GetGrain<ITeamGrain>(teamId).OfflineWritten(call.Client.GetPrimaryKeyString(), nurseId, HappenedAt(entry), offline.Conflict)
                : offline.Conflict;
            result.Outcome = offline.Write.Repeated ? UploadOutcome.AlreadyApplied : UploadOutcome.Applied;
            result.EntryId = entry.EntryId;
            result.RecordVersion = offline.Write.Version;
            result.Flagged = flagged;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var answer = _errors.Answer(e, method);
            result.Outcome = answer.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded
                ? UploadOutcome.Unavailable : UploadOutcome.Refused;
            result.Status = StatusName(answer.StatusCode);
            result.Message = answer.Status.Detail;
            result.Reason = ReasonOf(answer);
        }
        return result;
    }

    private async Task<RecordCall> Prepare(UploadItem item) => item.WriteCase switch
    {
        UploadItem.WriteOneofCase.RecordVisit => _records.Entry(item.RecordVisit),
        UploadItem.WriteOneofCase.AddNote => _records.Entry(item.AddNote),
        UploadItem.WriteOneofCase.RateProblem => _records.Entry(item.RateProblem),
        UploadItem.WriteOneofCase.AgreeGoal => _records.Entry(item.AgreeGoal),
        UploadItem.WriteOneofCase.AddNetworkMember => _records.Entry(item.AddNetworkMember),
        UploadItem.WriteOneofCase.RemoveNetworkMember => _records.Entry(item.RemoveNetworkMember),
        UploadItem.WriteOneofCase.RecordOutOfHoursVisit => _onCall.Entry(item.RecordOutOfHoursVisit),
        UploadItem.WriteOneofCase.CorrectEntry => await _records.Entry(item.CorrectEntry),
        _ => throw CareRuleException.Invalid("The item carries no write."),
    };

    /// <summary>The nurse whose work a write is, where the team's plan (who is named for the client) bears on it.</summary>
    private static string? WrittenBy(RecordEntry entry) => entry switch
    {
        VisitRecorded { OutOfHours: true } => null,
        VisitRecorded v => v.NurseId,
        NoteAdded or RatingRecorded or GoalAgreed => entry.RecordedBy,
        _ => null,
    };

    /// <summary>When the work was done, as the care rules read it: a visit's start, a rating's or goal's day, else when written.</summary>
    private DateTimeOffset HappenedAt(RecordEntry entry) => entry switch
    {
        VisitRecorded v => v.Start,
        RatingRecorded r => clock.StartOf(r.RatedOn),
        GoalAgreed g => clock.StartOf(g.AgreedOn),
        _ => entry.At,
    };

    private static UploadResult NotTried(UploadItem item) => new()
    {
        RequestId = RequestIdOf(item),
        ClientId = ClientIdOf(item),
        Outcome = UploadOutcome.NotTried,
        Status = StatusName(StatusCode.Unavailable),
        Message = "Not tried: an earlier item for this client could not be saved just now. Send it again with the same request id.",
    };

    private static RefusalReason ReasonOf(RpcException answer) =>
        answer.Trailers.GetValue(ErrorInterceptor.ReasonTrailer) is { } name
        && Enum.TryParse<RefusalReason>(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var reason)
            ? reason : RefusalReason.Unspecified;

    /// <summary>The status as gRPC names it on the wire and in every language's enum: FAILED_PRECONDITION, NOT_FOUND, ...</summary>
    private static string StatusName(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? $"_{c}" : $"{c}")).ToUpperInvariant();

    private static Google.Protobuf.IMessage? WriteOf(UploadItem item) => item.WriteCase switch
    {
        UploadItem.WriteOneofCase.RecordVisit => item.RecordVisit,
        UploadItem.WriteOneofCase.AddNote => item.AddNote,
        UploadItem.WriteOneofCase.RateProblem => item.RateProblem,
        UploadItem.WriteOneofCase.AgreeGoal => item.AgreeGoal,
        UploadItem.WriteOneofCase.AddNetworkMember => item.AddNetworkMember,
        UploadItem.WriteOneofCase.RemoveNetworkMember => item.RemoveNetworkMember,
        UploadItem.WriteOneofCase.RecordOutOfHoursVisit => item.RecordOutOfHoursVisit,
        UploadItem.WriteOneofCase.CorrectEntry => item.CorrectEntry,
        _ => null,
    };

    private static string Field(UploadItem item, string name) =>
        WriteOf(item) is { } write && write.Descriptor.FindFieldByName(name)?.Accessor.GetValue(write) is string value ? value.Trim() : "";

    private static string RequestIdOf(UploadItem item) => Field(item, "request_id");

    private static string ClientIdOf(UploadItem item) => Field(item, "client_id");

    /// <summary>
    /// The changes since the cursor, a page at a time. Page tokens belong to the cursor they were given for, and a
    /// listing that began as a reset stays one to its last page.
    /// </summary>
    public override async Task<ChangesResponse> Changes(ChangesRequest request, ServerCallContext context)
    {
        var teamId = Ids.Parse(request.TeamId, "team_id");
        var size = Paging.Size(request.PageSize, DefaultChangesPage, MaxChangesPage);
        var since = Position(request.Cursor, teamId);
        var (after, wasReset) = PageOf(request.PageToken, since);
        var changes = await grains.GetGrain<ITeamGrain>(teamId).Changes(wasReset ? null : since, after, size);
        var today = clock.Today;
        var response = new ChangesResponse
        {
            Reset = changes.Reset,
            MembersChanged = changes.Members is not null,
            NextPageToken = Paging.Token(changes.Next, ListOf(since, changes.Reset)),
            NextCursor = changes.Next is null ? Paging.Token(new ListCursor(changes.Position, teamId), CursorList) : "",
        };
        response.Changes.AddRange(changes.Changes.Select(c => c.Item is { } item
            ? new V1.CaseloadChange { Changed = new ChangedClient { Entry = item.ToProto(today, null), RecordVersion = c.RecordVersion } }
            : new V1.CaseloadChange { LeftClientId = c.ClientId }));
        if (changes.Members is { } team) response.Members.AddRange(team.Members.Select(m => m.ToProto(team, today)));
        return response;
    }

    private const string BadCursor = "cursor is not one this service gave for this team: send an empty cursor to load everything again.";

    private static long? Position(string cursor, string teamId)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        ListCursor? position;
        try
        {
            position = Paging.Cursor(cursor, CursorList);
        }
        catch (CareRuleException)
        {
            throw CareRuleException.Invalid(BadCursor);
        }
        return position is { Key: >= 0 } p && p.Id == teamId ? p.Key : throw CareRuleException.Invalid(BadCursor);
    }

    private static string ListOf(long? since, bool reset) => reset ? $"changes-all{since}" : $"changes{since}";

    private static (ListCursor? After, bool Reset) PageOf(string token, long? since)
    {
        if (string.IsNullOrEmpty(token)) return (null, false);
        try
        {
            return (Paging.Cursor(token, ListOf(since, reset: false)), false);
        }
        catch (CareRuleException)
        {
            return (Paging.Cursor(token, ListOf(since, reset: true)), true);
        }
    }
}
