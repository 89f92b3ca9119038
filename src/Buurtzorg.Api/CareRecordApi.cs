using System.Collections.Immutable;
using System.Globalization;
using Buurtzorg.Api.Fhir;
using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Grpc.Core;
using Records = Buurtzorg.Domain.Records;

namespace Buurtzorg.Api;

/// <summary>
/// The client's record. Each write becomes one entry whose id derives from the request id, so a retry finds its entry
/// already in the history and changes nothing.
/// </summary>
internal sealed class CareRecordApi(IGrainFactory grains, CareClock clock, FhirRecordReader? fhir = null) : CareRecordService.CareRecordServiceBase
{
    // The service gets the reader from the container; the sync service, which only writes through this one, needs none.
    private readonly FhirRecordReader _fhir = fhir ?? new(grains);

    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;
    private const int DefaultAccessPage = 200;
    private const int MaxAccessPage = 1000;

    private DateTimeOffset Now => clock.LocalNow;

    private DateOnly Today => clock.Today;

    public override async Task<GetRecordResponse> GetRecord(GetRecordRequest request, ServerCallContext context) =>
        new() { Record = (await Client(request.ClientId).Get()).ToProto() };

    public override async Task<GetHistoryResponse> GetHistory(GetHistoryRequest request, ServerCallContext context)
    {
        var client = Client(request.ClientId);
        var size = Paging.Size(request.PageSize, DefaultPageSize, MaxPageSize);
        // The token is the number of the last entry given: the journal pages by it, whatever was appended meanwhile.
        var page = await client.History(Paging.Position(request.PageToken), size);
        var response = new GetHistoryResponse { NextPageToken = Paging.Token(page.NextAfterSeq) };
        response.Entries.AddRange(page.Entries.Select(e => e.ToHistory()));
        return response;
    }

    /// <summary>The whole record as a FHIR Bundle: the reader reads (and audits) every history page, the export maps it.</summary>
    public override async Task<ExportFhirResponse> ExportFhir(ExportFhirRequest request, ServerCallContext context)
    {
        var source = await _fhir.Read(Ids.Parse(request.ClientId, "client_id"));
        var bundle = Buurtzorg.Fhir.FhirExport.Everything(source);
        return new ExportFhirResponse
        {
            BundleJson = Buurtzorg.Fhir.FhirExport.ToJson(bundle),
            ResourceCount = bundle.Entry.Count,
            EncounterCount = bundle.Entry.Count(e => e.Resource is Hl7.Fhir.Model.Encounter),
            ObservationCount = bundle.Entry.Count(e => e.Resource is Hl7.Fhir.Model.Observation),
            HistoryEntries = source.Record.Version,
        };
    }

    public override async Task<AddNetworkMemberResponse> AddNetworkMember(AddNetworkMemberRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new AddNetworkMemberResponse { Member = write.Member?.ToProto() };
    }

    internal RecordCall Entry(AddNetworkMemberRequest request)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "net");
        return new(client, new NetworkMemberAdded(id, WrittenAt(request.WrittenAt), by, id,
            Wire.Enum<Records.NetworkRole>((int)request.Role, "role"),
            Text.Required(request.Name, "Network member name"),
            Text.Optional(request.Contact, "Network member contact"),
            Wire.Enum<Records.ContactPreference>((int)request.ContactPreference, "contact_preference"),
            Text.Optional(request.Note, "Network note", Text.NoteMax, multiline: true)));
    }

    public override async Task<RemoveNetworkMemberResponse> RemoveNetworkMember(RemoveNetworkMemberRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new RemoveNetworkMemberResponse { EntryId = write.Entry.EntryId };
    }

    internal RecordCall Entry(RemoveNetworkMemberRequest request)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "e");
        return new(client, new NetworkMemberRemoved(id, WrittenAt(request.WrittenAt), by, Ids.Parse(request.MemberId, "member_id")));
    }

    public override async Task<AddProblemResponse> AddProblem(AddProblemRequest request, ServerCallContext context)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "prob");
        var entry = new ProblemAdded(id, Now, by, id,
            Wire.Enum<Records.OmahaProblem>((int)request.Problem, "problem"),
            Wire.Enum<Records.ProblemScope>((int)request.Scope, "scope"),
            Wire.Enum<Records.ProblemSeverity>((int)request.Severity, "severity"),
            Wire.Bounded(request.SignsAndSymptoms, "signs_and_symptoms", CareRecordRules.MaxSigns).ToImmutableList());
        var write = await client.Append(entry);
        return new AddProblemResponse { Problem = write.Problem?.ToProto() };
    }

    public override async Task<ResolveProblemResponse> ResolveProblem(ResolveProblemRequest request, ServerCallContext context)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "e");
        await client.Append(new ProblemResolved(id, Now, by, Ids.Parse(request.ProblemId, "problem_id")));
        return new ResolveProblemResponse { EntryId = id };
    }

    public override async Task<RateProblemResponse> RateProblem(RateProblemRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new RateProblemResponse { EntryId = write.Entry.EntryId, Problem = write.Problem?.ToProto() };
    }

    internal RecordCall Entry(RateProblemRequest request)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "rate");
        var problemId = Ids.Parse(request.ProblemId, "problem_id");
        return new(client, new RatingRecorded(id, Now, by, problemId, RecordMapping.FromProto(request.Rating),
            Wire.DateOr(request.RatedOn, "rated_on", Today), by));
    }

    public override async Task<AgreeGoalResponse> AgreeGoal(AgreeGoalRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new AgreeGoalResponse { Goal = write.Goal?.ToProto() };
    }

    internal RecordCall Entry(AgreeGoalRequest request)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "goal");
        return new(client, new GoalAgreed(id, Now, by, id,
            Ids.Parse(request.ProblemId, "problem_id"),
            Text.Required(request.Description, "Goal description", CareRecordRules.GoalMax),
            Wire.Enum<Records.AgreedBy>((int)request.AgreedBy, "agreed_by"),
            Text.Required(request.AgreedByName, "Who agreed the goal"),
            Wire.DateOr(request.AgreedOn, "agreed_on", Today)));
    }

    public override async Task<AddInterventionResponse> AddIntervention(AddInterventionRequest request, ServerCallContext context)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "int");
        if (request.Frequency is null) throw CareRuleException.Invalid("frequency is required.");
        var entry = new InterventionAdded(id, Now, by, id,
            Ids.Parse(request.ProblemId, "problem_id"),
            Wire.Enum<Records.InterventionCategory>((int)request.Category, "category"),
            Text.Required(request.Target, "Intervention target"),
            Text.Optional(request.Detail, "Intervention detail", CareRecordRules.DetailMax, multiline: true),
            Wire.Enum<Records.CareType>((int)request.CareType, "care_type"),
            new Records.VisitFrequency(request.Frequency.Times, Wire.Enum<Records.FrequencyPeriod>((int)request.Frequency.Period, "frequency.period")),
            Wire.Enum<Records.TimeWindow>((int)request.TimeWindow, "time_window"),
            request.DurationMinutes,
            Wire.Enums<Domain.Common.Skill, V1.Skill>(request.Skills, "skills").ToImmutableSortedSet());
        var write = await client.Append(entry);
        return new AddInterventionResponse
        {
            Intervention = write.Intervention?.ToProto(),
            ReablementEndsDate = Wire.Date(write.ReablementEndsOn),
        };
    }

    public override async Task<StopInterventionResponse> StopIntervention(StopInterventionRequest request, ServerCallContext context)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "e");
        await client.Append(new InterventionStopped(id, Now, by, Ids.Parse(request.InterventionId, "intervention_id")));
        return new StopInterventionResponse { EntryId = id };
    }

    public override async Task<ScheduleReviewResponse> ScheduleReview(ScheduleReviewRequest request, ServerCallContext context)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "e");
        await client.Append(new ReviewScheduled(id, Now, by, Wire.Date(request.DueDate, "due_date")));
        return new ScheduleReviewResponse { EntryId = id };
    }

    public override async Task<RenewReablementResponse> RenewReablement(RenewReablementRequest request, ServerCallContext context)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "e");
        var write = await client.Append(new ReablementRenewed(id, Now, by));
        return new RenewReablementResponse { ReablementEndsDate = Wire.Date(write.ReablementEndsOn) };
    }

    public override async Task<RecordVisitResponse> RecordVisit(RecordVisitRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new RecordVisitResponse { Visit = write.Visit?.ToProto() };
    }

    internal RecordCall Entry(RecordVisitRequest request)
    {
        var nurseId = Ids.Parse(request.NurseId, "nurse_id");
        var (client, id, _) = Write(request.RequestId, request.ClientId, nurseId, "visit");
        return new(client, Visit(id, nurseId, request.Start, request.DurationMinutes, request.DirectCareMinutes, request.InterventionsDone,
            request.Note, request.OutOfHours));
    }

    public override async Task<AddNoteResponse> AddNote(AddNoteRequest request, ServerCallContext context)
    {
        var write = await Entry(request).Append();
        return new AddNoteResponse { Note = write.Note?.ToProto() };
    }

    internal RecordCall Entry(AddNoteRequest request)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "note");
        var text = Text.Required(request.Text, "Note", Text.NoteMax, multiline: true);
        return new(client, new NoteAdded(id, WrittenAt(request.WrittenAt), by, id, text));
    }

    public override async Task<CorrectEntryResponse> CorrectEntry(CorrectEntryRequest request, ServerCallContext context)
    {
        var write = await (await Entry(request)).Append();
        return new CorrectEntryResponse { Entry = write.Entry.ToHistory() };
    }

    internal async Task<RecordCall> Entry(CorrectEntryRequest request)
    {
        var (client, id, by) = Write(request.RequestId, request.ClientId, request.RecordedBy, "corr");
        var entryId = Ids.Parse(request.EntryId, "entry_id");
        var reason = Text.Required(request.Reason, "The reason for the correction", CareRecordRules.ReasonMax);
        if (request.ReplacementCase == CorrectEntryRequest.ReplacementOneofCase.None)
            throw CareRuleException.Invalid("Say what the entry should have said, or strike it.");
        if (request.ReplacementCase == CorrectEntryRequest.ReplacementOneofCase.Strike && !request.Strike)
            throw CareRuleException.Invalid("strike must be true to strike an entry.");
        // The replacement keeps the ids of what it corrects; the app sends only the corrected fields.
        var original = await client.Entry(entryId);
        var replacement = Replacement(request, original);
        return new(client, new Correction(id, WrittenAt(request.WrittenAt), by, entryId, reason, replacement));
    }

    public override async Task<ListAccessesResponse> ListAccesses(ListAccessesRequest request, ServerCallContext context)
    {
        var client = Client(request.ClientId);
        var size = Paging.Size(request.PageSize, DefaultAccessPage, MaxAccessPage);
        // The token is the position of the last line given: the trail only grows, so it stays good.
        var page = await client.Accesses(Paging.Position(request.PageToken), size);
        var response = new ListAccessesResponse { NextPageToken = Paging.Token(page.NextAfter) };
        response.Accesses.AddRange(page.Lines.Select(a => new Access
        {
            At = Wire.Instant(a.At),
            Subject = a.Subject,
            Role = Grains.Security.Caller.NameOf(a.Role),
            TeamId = a.TeamId ?? "",
            Action = a.Action,
            Reason = a.Reason ?? "",
        }));
        return response;
    }

    /// <summary>Recorded by the caller (the token's subject), never by a name the request gives.</summary>
    public override async Task<UpdateDemographicsResponse> UpdateDemographics(
        UpdateDemographicsRequest request, ServerCallContext context)
    {
        var caller = context.GetHttpContext().User.FindFirst("sub")?.Value;
        var (client, id, by) = Write(request.RequestId, request.ClientId, caller ?? "", "dem");
        var entry = new DemographicsUpdated(id, Now, by,
            RecordMapping.FromProto(request.Details, "details"),
            Wire.Enum<Records.DemographicsSource>((int)request.Source, "source"),
            Wire.OptionalId(request.ReferralId, "referral_id"));
        var write = await client.Append(entry);
        return new UpdateDemographicsResponse
        {
            Entry = write.Entry.ToHistory(),
            Details = write.Details?.ToProto(),
        };
    }

    private RecordEntry? Replacement(CorrectEntryRequest request, RecordEntry original) => (request.ReplacementCase, original) switch
    {
        (CorrectEntryRequest.ReplacementOneofCase.Strike, _) => null,
        (CorrectEntryRequest.ReplacementOneofCase.Visit, VisitRecorded old) => Visit(old.EntryId, Ids.Parse(request.Visit.NurseId, "visit.nurse_id"),
            request.Visit.Start, request.Visit.DurationMinutes, request.Visit.DirectCareMinutes, request.Visit.InterventionsDone,
            request.Visit.Note, request.Visit.OutOfHours) with
        { VisitId = old.VisitId },
        (CorrectEntryRequest.ReplacementOneofCase.Note, NoteAdded old) =>
            old with { Text = Text.Required(request.Note.Text, "Note", Text.NoteMax, multiline: true) },
        (CorrectEntryRequest.ReplacementOneofCase.Rating, RatingRecorded old) => old with
        {
            Rating = RecordMapping.FromProto(request.Rating.Rating_),
            RatedOn = Wire.DateOr(request.Rating.RatedOn, "rating.rated_on", old.RatedOn),
        },
        (CorrectEntryRequest.ReplacementOneofCase.Goal, GoalAgreed old) => old with
        {
            Description = Text.Required(request.Goal.Description, "Goal description", CareRecordRules.GoalMax),
            AgreedBy = Wire.Enum<Records.AgreedBy>((int)request.Goal.AgreedBy, "goal.agreed_by"),
            AgreedByName = Text.Required(request.Goal.AgreedByName, "Who agreed the goal"),
            AgreedOn = Wire.DateOr(request.Goal.AgreedOn, "goal.agreed_on", old.AgreedOn),
        },
        (CorrectEntryRequest.ReplacementOneofCase.NetworkMember, NetworkMemberAdded old) => old with
        {
            Role = Wire.Enum<Records.NetworkRole>((int)request.NetworkMember.Role, "network_member.role"),
            Name = Text.Required(request.NetworkMember.Name, "Network member name"),
            Contact = Text.Optional(request.NetworkMember.Contact, "Network member contact"),
            ContactPreference = Wire.Enum<Records.ContactPreference>((int)request.NetworkMember.ContactPreference, "network_member.contact_preference"),
            Note = Text.Optional(request.NetworkMember.Note, "Network note", Text.NoteMax, multiline: true),
        },
        _ => throw CareRuleException.Invalid("A correction must replace an entry with one of the same kind."),
    };

    private VisitRecorded Visit(string id, string nurseId, Google.Protobuf.WellKnownTypes.Timestamp? start, int duration, int direct,
        IReadOnlyCollection<string> interventions, string? note, bool outOfHours) =>
        new(id, Now, nurseId, id, nurseId, Wire.Instant(start, "start", clock), duration, direct,
            Wire.Bounded(interventions, "interventions_done", 50).Select(i => Ids.Parse(i, "interventions_done")).ToImmutableList(),
            Text.Optional(note, "Visit note", Text.NoteMax, multiline: true), outOfHours);

    /// <summary>
    /// When a nurse wrote an entry: <paramref name="at"/> when the app gives it (work done offline, sent later), now
    /// when not. Not in the future (give or take the clock's tolerance); the record's rules check it against the episode.
    /// </summary>
    private DateTimeOffset WrittenAt(Google.Protobuf.WellKnownTypes.Timestamp? at)
    {
        if (at is null) return Now;
        var written = Wire.Instant(at, "written_at", clock);
        return written <= Now + CareTime.ClockTolerance ? written
            : throw CareRuleException.Invalid("written_at cannot be in the future: check the device's clock.");
    }

    private IClientGrain Client(string clientId) => grains.GetGrain<IClientGrain>(Ids.Parse(clientId, "client_id"));

    /// <summary>What every write checks first: the request id, the client, who records it; and the new entry's id.</summary>
    private (IClientGrain Client, string EntryId, string RecordedBy) Write(string requestId, string clientId, string recordedBy, string kind)
    {
        var request = Ids.RequestId(requestId);
        return (Client(clientId), Ids.Derive(kind, request), Ids.Parse(recordedBy, "recorded_by"));
    }
}

/// <summary>A write to a client's record, checked and built from its request, not yet sent (a single call, or an upload's item).</summary>
internal sealed record RecordCall(IClientGrain Client, RecordEntry Entry)
{
    public Task<RecordWrite> Append() => Client.Append(Entry);
}
