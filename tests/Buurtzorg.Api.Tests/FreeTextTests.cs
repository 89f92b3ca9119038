using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;
using Caller = Buurtzorg.Grains.Security.Caller;
using Ids = Buurtzorg.Domain.Common.Ids;
using Role = Buurtzorg.Grains.Security.Role;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A team, an admitted client with a care plan, a note, a visit and a network member: everything a request with a
/// free-text field can be about. Set up once; the refused requests change none of it.
/// </summary>
public sealed class FreeTextScene : IAsyncLifetime
{
    public ApiHost Host { get; } = new();

    public TeamApp App { get; private set; } = null!;

    public string TeamId { get; private set; } = "";

    public CaseloadEntry Client { get; private set; } = null!;

    public string ClientId => Client.ClientId;

    public string NurseId => Client.NamedNurseId;

    public string ProblemId { get; private set; } = "";

    public string NoteId { get; private set; } = "";

    public string GoalId { get; private set; } = "";

    public string MemberId { get; private set; } = "";

    public string VisitId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        App = Host.App();
        TeamId = (await App.TeamWithNurses(3)).TeamId;
        Client = await App.Admitted(TeamId);
        ProblemId = (await App.AddSkinProblem(Client)).ProblemId;
        var note = new AddNoteRequest { RequestId = NewRequest(), ClientId = ClientId, RecordedBy = NurseId, Text = "Calm." };
        NoteId = (await App.Records.AddNoteAsync(note)).Note.NoteId;
        var goal = Goal(NewRequest(), "Heel wound healed in six weeks", "Edith");
        GoalId = (await App.Records.AgreeGoalAsync(goal)).Goal.GoalId;
        var member = Member(NewRequest(), "Mavis", "07700 900123", "Visits Sundays");
        MemberId = (await App.Records.AddNetworkMemberAsync(member)).Member.MemberId;
        VisitId = (await App.Visit(ClientId, NurseId, DateTimeOffset.UtcNow.AddHours(-2))).Visit.VisitId;
    }

    public Task DisposeAsync() => Host.DisposeAsync();

    public AgreeGoalRequest Goal(string requestId, string description, string agreedByName) => new()
    {
        RequestId = requestId,
        ClientId = ClientId,
        RecordedBy = NurseId,
        ProblemId = ProblemId,
        Description = description,
        AgreedBy = AgreedBy.Client,
        AgreedByName = agreedByName,
    };

    public AddNetworkMemberRequest Member(string requestId, string name, string contact, string note) => new()
    {
        RequestId = requestId,
        ClientId = ClientId,
        RecordedBy = NurseId,
        Role = NetworkRole.Family,
        Name = name,
        Contact = contact,
        ContactPreference = ContactPreference.Phone,
        Note = note,
    };

    public CorrectEntryRequest Correction(string requestId, string entryId, string reason = "Wrong details") => new()
    {
        RequestId = requestId,
        ClientId = ClientId,
        RecordedBy = NurseId,
        EntryId = entryId,
        Reason = reason,
    };

    public Visit Visit(string note) => new()
    {
        NurseId = NurseId,
        Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)),
        DurationMinutes = 30,
        DirectCareMinutes = 20,
        Note = note,
    };

    /// <summary>The same app, as the out-of-hours service stating <paramref name="reason"/>.</summary>
    public TeamApp OutOfHours(string reason) => App.As(new Caller("ooh-test", Role.OutOfHours, null), reason);
}

/// <summary>
/// Every free-text field a request can carry refuses a NUL byte and a terminal escape sequence with INVALID_ARGUMENT,
/// a message that names the field and quotes none of it, and changes nothing.
/// </summary>
public sealed class FreeTextTests(FreeTextScene scene) : IClassFixture<FreeTextScene>
{
    private const string Secret = "Keysafe 4711";

    private static readonly string[] BadTexts = [$"{Secret}\0", $"{Secret} \u001b[2J\u001b[H"];

    /// <summary>
    /// A request with one field holding the text (given the text and a request id); what refusals call the field; and
    /// what a refusal must leave as it was (read before and after).
    /// </summary>
    private sealed record Field(
        string Label, Func<FreeTextScene, string, string, Task> Send, Func<FreeTextScene, string, Task<string>> State);

    private static readonly Dictionary<string, Field> Fields = new()
    {
        ["ReferRequest.client.given_name"] = Referral("Given name", (c, t) => c.GivenName = t),
        ["ReferRequest.client.family_name"] = Referral("Family name", (c, t) => c.FamilyName = t),
        ["ReferRequest.client.address_line"] = Referral("Address", (c, t) => c.AddressLine = t),
        ["ReferRequest.client.phone"] = Referral("Phone", (c, t) => c.Phone = t),
        ["AddNetworkMemberRequest.name"] = Record("Network member name",
            (s, t, id) => s.App.Records.AddNetworkMemberAsync(s.Member(id, t, "07700 900123", "Visits Sundays"))),
        ["AddNetworkMemberRequest.contact"] = Record("Network member contact",
            (s, t, id) => s.App.Records.AddNetworkMemberAsync(s.Member(id, "Mavis", t, "Visits Sundays"))),
        ["AddNetworkMemberRequest.note"] = Record("Network note",
            (s, t, id) => s.App.Records.AddNetworkMemberAsync(s.Member(id, "Mavis", "07700 900123", t))),
        ["AddNoteRequest.text"] = Record("Note", (s, t, id) => s.App.Records.AddNoteAsync(
            new AddNoteRequest { RequestId = id, ClientId = s.ClientId, RecordedBy = s.NurseId, Text = t })),
        ["RecordVisitRequest.note"] = Record("Visit note", (s, t, id) => s.App.Records.RecordVisitAsync(new RecordVisitRequest
        {
            RequestId = id,
            ClientId = s.ClientId,
            NurseId = s.NurseId,
            Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            DurationMinutes = 30,
            DirectCareMinutes = 20,
            Note = t,
        })),
        ["AgreeGoalRequest.description"] = Record("Goal description",
            (s, t, id) => s.App.Records.AgreeGoalAsync(s.Goal(id, t, "Edith"))),
        ["AgreeGoalRequest.agreed_by_name"] = Record("Who agreed the goal",
            (s, t, id) => s.App.Records.AgreeGoalAsync(s.Goal(id, "Walks to the shop", t))),
        ["AddInterventionRequest.target"] = Record("Intervention target",
            (s, t, id) => s.App.Records.AddInterventionAsync(Intervention(s, id, t, ""))),
        ["AddInterventionRequest.detail"] = Record("Intervention detail",
            (s, t, id) => s.App.Records.AddInterventionAsync(Intervention(s, id, "wound care", t))),
        ["AddProblemRequest.signs_and_symptoms"] = Record("A sign or symptom", (s, t, id) => s.App.Records.AddProblemAsync(
            new AddProblemRequest
            {
                RequestId = id,
                ClientId = s.ClientId,
                RecordedBy = s.NurseId,
                Problem = OmahaProblem.Pain,
                Scope = ProblemScope.Individual,
                Severity = ProblemSeverity.Actual,
                SignsAndSymptoms = { "winces on walking", t },
            })),
        ["DischargeRequest.summary"] = Record("Discharge summary", (s, t, id) => s.App.Referrals.DischargeAsync(
            new DischargeRequest
            {
                RequestId = id,
                TeamId = s.TeamId,
                ClientId = s.ClientId,
                Reason = DischargeReason.GoalsMet,
                Summary = t,
                RecordedBy = s.NurseId,
            })),
        ["CorrectEntryRequest.reason"] = Record("The reason for the correction",
            (s, t, id) => s.App.Records.CorrectEntryAsync(Struck(s.Correction(id, s.NoteId, t)))),
        ["CorrectEntryRequest.note.text"] = Record("Note", (s, t, id) =>
        {
            var request = s.Correction(id, s.NoteId);
            request.Note = new Note { Text = t };
            return s.App.Records.CorrectEntryAsync(request);
        }),
        ["CorrectEntryRequest.goal.description"] = Record("Goal description",
            (s, t, id) => CorrectGoal(s, id, t, "Edith")),
        ["CorrectEntryRequest.goal.agreed_by_name"] = Record("Who agreed the goal",
            (s, t, id) => CorrectGoal(s, id, "Walks to the shop", t)),
        ["CorrectEntryRequest.network_member.name"] = Record("Network member name",
            (s, t, id) => CorrectMember(s, id, t, "", "")),
        ["CorrectEntryRequest.network_member.contact"] = Record("Network member contact",
            (s, t, id) => CorrectMember(s, id, "Mavis", t, "")),
        ["CorrectEntryRequest.network_member.note"] = Record("Network note",
            (s, t, id) => CorrectMember(s, id, "Mavis", "", t)),
        ["CorrectEntryRequest.visit.note"] = Record("Visit note", (s, t, id) =>
        {
            var request = s.Correction(id, s.VisitId);
            request.Visit = s.Visit(t);
            return s.App.Records.CorrectEntryAsync(request);
        }),
        ["RecordOutOfHoursVisitRequest.note"] = Record("Visit note", (s, t, id) =>
            s.OutOfHours(ActingCaller.OutOfHoursReason).OnCall.RecordOutOfHoursVisitAsync(new RecordOutOfHoursVisitRequest
            {
                RequestId = id,
                ClientId = s.ClientId,
                NurseId = s.Client.BackupNurseId,
                Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
                DurationMinutes = 20,
                DirectCareMinutes = 15,
                Note = t,
            })),
        ["LogCallRequest.note"] = new("The call note", (s, t, id) => s.App.OnCall.LogCallAsync(new LogCallRequest
        {
            RequestId = id,
            TeamId = s.TeamId,
            ClientId = s.ClientId,
            At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-10)),
            Outcome = TriageOutcome.AdviceGiven,
            Note = t,
        }).ResponseAsync, Calls),
        ["ApplyTeamRequest.name"] = new("Team name",
            (s, t, id) => ApplyTeam(s, id, t, "Bow Health Centre"), (s, id) => TeamOf(s, id)),
        ["ApplyTeamRequest.gp_practices"] = new("GP practice",
            (s, t, id) => ApplyTeam(s, id, "Bow West", t), (s, id) => TeamOf(s, id)),
        ["RegisterNurseRequest.display_name"] = new("Display name", (s, t, id) => s.App.Nurses.RegisterNurseAsync(
            new RegisterNurseRequest
            {
                RequestId = id,
                DisplayName = t,
                Role = NurseRole.RegisteredNurse,
                NmcPin = "12A3456B",
                ContractedHoursPerWeek = 30,
            }).ResponseAsync, (s, id) => Answer(() => s.App.Nurses.GetNurseAsync(
                new GetNurseRequest { NurseId = Ids.Derive("nurse", id) }).ResponseAsync)),
        ["AddLeavePeriodRequest.period.reason"] = new("Leave reason", (s, t, id) => s.App.Nurses.AddLeavePeriodAsync(
            new AddLeavePeriodRequest
            {
                RequestId = id,
                NurseId = s.Client.BackupNurseId,
                Period = new LeavePeriod { StartDate = Date(7), EndDate = Date(10), Reason = t },
            }).ResponseAsync, (s, _) => Answer(() => s.App.Teams.GetTeamAsync(
                new GetTeamRequest { TeamId = s.TeamId }).ResponseAsync)),
        ["AssignRegionRequest.region"] = new("Region", (s, t, _) => Office(s).AssignRegionAsync(
            new AssignRegionRequest { TeamId = s.TeamId, Region = t }).ResponseAsync, Region),
    };

    public static TheoryData<string> FieldNames => [.. Fields.Keys];

    [Theory]
    [MemberData(nameof(FieldNames))]
    public async Task A_NUL_byte_or_an_escape_sequence_in_a_free_text_field_is_refused_and_changes_nothing(string name)
    {
        var field = Fields[name];
        foreach (var bad in BadTexts)
        {
            var requestId = NewRequest();
            var before = await field.State(scene, requestId);

            var e = await Refused(() => field.Send(scene, bad, requestId));

            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith(field.Label + " ", e.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, e.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b", e.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("\0", e.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(before, await field.State(scene, requestId));
        }
    }

    [Fact]
    public async Task An_escape_sequence_in_a_stated_access_reason_is_refused_and_no_access_is_recorded()
    {
        var request = new GetRecordRequest { ClientId = scene.ClientId };
        var before = await Accesses(scene);

        var e = await Refused(() => scene.OutOfHours($"{Secret} \u001b[2J").Records.GetRecordAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("The access reason ", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.Status.Detail, StringComparison.Ordinal);
        // A NUL never reaches the service: the HTTP/2 server refuses the header and the call fails before any read.
        await Refused(() => scene.OutOfHours($"{Secret}\0").Records.GetRecordAsync(request).ResponseAsync);
        Assert.Equal(before, await Accesses(scene));
    }

    [Fact]
    public async Task A_note_keeps_its_line_breaks_and_is_stored_composed()
    {
        var note = await scene.App.Records.AddNoteAsync(new AddNoteRequest
        {
            RequestId = NewRequest(),
            ClientId = scene.ClientId,
            RecordedBy = scene.NurseId,
            Text = "Rene\u0301e's daughter called.\r\n\tPain 3/10, settled.",
        });

        Assert.Equal("Ren\u00e9e's daughter called.\n\tPain 3/10, settled.", note.Note.Text);
        var record = (await scene.App.Records.GetRecordAsync(new GetRecordRequest { ClientId = scene.ClientId })).Record;
        Assert.Contains(record.Notes, n => n.NoteId == note.Note.NoteId && n.Text == note.Note.Text);
    }

    [Fact]
    public async Task A_name_with_a_line_break_or_a_right_to_left_override_is_refused()
    {
        foreach (var name in new[] { "Mavis\nOakenshaw", "Mavis \u202eOakenshaw" })
        {
            var member = scene.Member(NewRequest(), name, "", "");

            var e = await Refused(() => scene.App.Records.AddNetworkMemberAsync(member).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith("Network member name ", e.Status.Detail, StringComparison.Ordinal);
        }
    }

    private static Field Referral(string label, Action<ClientDetails, string> set) => new(label, (s, t, id) =>
    {
        var request = TeamApp.Referral(s.TeamId);
        request.RequestId = id;
        set(request.Client, t);
        return s.App.Referrals.ReferAsync(request).ResponseAsync;
    }, (s, _) => Answer(() => s.App.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = s.TeamId })
        .ResponseAsync));

    /// <summary>A field of a request about the client: a refusal leaves the record, history and caseload as they were.</summary>
    private static Field Record<T>(string label, Func<FreeTextScene, string, string, AsyncUnaryCall<T>> send) =>
        new(label, (s, t, id) => send(s, t, id).ResponseAsync, async (s, _) =>
        {
            var record = await s.App.Records.GetRecordAsync(new GetRecordRequest { ClientId = s.ClientId });
            var history = await s.App.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = s.ClientId, PageSize = 500 });
            var caseload = await s.App.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = s.TeamId });
            return $"{record}\n{history}\n{caseload}";
        });

    private static CorrectEntryRequest Struck(CorrectEntryRequest request)
    {
        request.Strike = true;
        return request;
    }

    private static AsyncUnaryCall<CorrectEntryResponse> CorrectGoal(FreeTextScene s, string id, string description, string by)
    {
        var request = s.Correction(id, s.GoalId);
        request.Goal = new Goal { ProblemId = s.ProblemId, Description = description, AgreedBy = AgreedBy.Client, AgreedByName = by };
        return s.App.Records.CorrectEntryAsync(request);
    }

    private static AsyncUnaryCall<CorrectEntryResponse> CorrectMember(
        FreeTextScene s, string id, string name, string contact, string note)
    {
        var request = s.Correction(id, s.MemberId);
        request.NetworkMember = new NetworkMember
        {
            Role = NetworkRole.Family,
            Name = name,
            Contact = contact,
            ContactPreference = ContactPreference.Phone,
            Note = note,
        };
        return s.App.Records.CorrectEntryAsync(request);
    }

    private static AddInterventionRequest Intervention(FreeTextScene s, string id, string target, string detail) => new()
    {
        RequestId = id,
        ClientId = s.ClientId,
        RecordedBy = s.NurseId,
        ProblemId = s.ProblemId,
        Category = InterventionCategory.TreatmentsProcedures,
        Target = target,
        Detail = detail,
        CareType = CareType.Nursing,
        Frequency = new VisitFrequency { Times = 1, Period = FrequencyPeriod.Week },
        TimeWindow = TimeWindow.Morning,
        DurationMinutes = 30,
        Skills = { Skill.WoundCare },
    };

    private static Task<ApplyTeamResponse> ApplyTeam(FreeTextScene s, string id, string name, string practice)
    {
        var request = new ApplyTeamRequest { RequestId = id, Name = name, Footprint = { "E3 2" }, GpPractices = { practice } };
        return s.App.Teams.ApplyTeamAsync(request).ResponseAsync;
    }

    /// <summary>The team a request id would have created: none, after a refusal.</summary>
    private static Task<string> TeamOf(FreeTextScene s, string requestId) =>
        Answer(() => s.App.Teams.GetTeamAsync(new GetTeamRequest { TeamId = Ids.Derive("team", requestId) }).ResponseAsync);

    /// <summary>The calls logged last night and tonight.</summary>
    private static async Task<string> Calls(FreeTextScene s, string requestId)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var calls = new List<string>();
        foreach (var night in new[] { today.AddDays(-1), today })
        {
            var day = night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var request = new ListCallsRequest { TeamId = s.TeamId, Night = day };
            calls.Add((await s.App.OnCall.ListCallsAsync(request)).ToString());
        }
        return string.Join("\n", calls);
    }

    private static Task<string> Accesses(FreeTextScene s) =>
        Answer(() => s.App.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = s.ClientId }).ResponseAsync);

    /// <summary>The team's region in the central office's figures; none while the team has not published any.</summary>
    private static async Task<string> Region(FreeTextScene s, string requestId)
    {
        try
        {
            return (await Office(s).GetTeamFiguresAsync(new GetTeamFiguresRequest { TeamId = s.TeamId })).Figures.Region;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return "";
        }
    }

    private static CentralOfficeService.CentralOfficeServiceClient Office(FreeTextScene s)
    {
        var token = s.Host.Mint(new Caller("office-test", Role.CentralOffice, null));
        return new(s.Host.Channel.Intercept(headers =>
        {
            headers.Add("authorization", $"Bearer {token}");
            return headers;
        }));
    }

    private static string Date(int daysAhead) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(daysAhead).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>What a read answers, or the status it answers with.</summary>
    private static async Task<string> Answer<T>(Func<Task<T>> read) where T : IMessage
    {
        try
        {
            return (await read()).ToString() ?? "";
        }
        catch (RpcException e)
        {
            return e.StatusCode.ToString();
        }
    }
}
