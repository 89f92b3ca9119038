using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// Every list that grows pages with one cursor style: every item once and in order, a token that stays good while
/// the list changes, and a token the service did not give refused. The caseload's entries carry what a list shows.
/// </summary>
public sealed class PagingTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 7, 14);

    private static readonly string[] ForeignTokens = ["not-a-token", "%%%", "-5", "0"];

    private static readonly int[] BadSizes = [-1, 100_000];

    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.Start(TestKeys.Arguments);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CareClock Clock => _host.Services.GetRequiredService<CareClock>();

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<List<T>> All<T>(Func<string, Task<(IEnumerable<T> Items, string Next)>> page)
    {
        var (all, token, pages) = (new List<T>(), "", 0);
        do
        {
            var (items, next) = await page(token);
            all.AddRange(items);
            token = next;
            Assert.True(++pages < 1000, "the pages never end");
        }
        while (token.Length > 0);
        return all;
    }

    [Fact]
    public async Task A_caseload_of_60_pages_in_admission_order_each_client_once_with_their_card_while_clients_come_and_go()
    {
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(7, 0)));
        var app = _host.App();
        var team = await app.TeamWithNurses(10);
        Assert.Equal(60, team.Capacity);
        var admitted = new List<CaseloadEntry>();
        for (var i = 0; i < 60; i++) admitted.Add(await app.Admitted(team.TeamId));

        Task<GetCaseloadResponse> Page(string token, int size = 7) =>
            app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId, PageSize = size, PageToken = token }).ResponseAsync;

        var pages = await All(async token => (await Page(token)) is var p ? (p.Entries.AsEnumerable(), p.NextPageToken) : default);
        Assert.Equal(admitted.Select(e => e.ClientId), pages.Select(e => e.ClientId));
        Assert.All(pages, e => Assert.Equal(("Edith Testcase", "E3 2AB", "12 Roman Road", 88), (e.DisplayName, e.Postcode, e.AddressLine, e.Age)));
        Assert.Equal((60, 60), ((await Page("", 200)).Entries.Count, (await Page("", 0)).Total));

        // While the team pages through: a client on a later page is discharged, one already read too, and a new one
        // admitted. The token in hand stays good: nobody is given twice, the discharged are gone, the new one comes last.
        var first = await Page("", 20);
        var (seen, later) = (admitted[5].ClientId, admitted[40].ClientId);
        foreach (var gone in new[] { seen, later })
        {
            await app.Referrals.DischargeAsync(new DischargeRequest
            {
                RequestId = NewRequest(),
                TeamId = team.TeamId,
                ClientId = gone,
                Reason = DischargeReason.MovedAway,
                RecordedBy = team.Members[0].NurseId,
            });
        }
        var newcomer = await app.Admitted(team.TeamId);
        var again = await Page(first.NextPageToken, 20);
        Assert.Equal(again, await Page(first.NextPageToken, 20));
        var rest = await All(async token => (await Page(token.Length == 0 ? first.NextPageToken : token, 20)) is var p ? (p.Entries.AsEnumerable(), p.NextPageToken) : default);
        Assert.Equal(
            admitted.Skip(20).Select(e => e.ClientId).Where(c => c != later).Append(newcomer.ClientId),
            rest.Select(e => e.ClientId));
        Assert.Equal(59, (await Page("", 200)).Total);
    }

    [Fact]
    public async Task The_caseload_shows_the_next_planned_visit_and_details_the_record_confirms_later()
    {
        Clock.SetLocal(Today.AddDays(-1).ToDateTime(new TimeOnly(10, 0)));
        var app = _host.App();
        var team = await app.TeamWithNurses(3);
        var client = await app.Admitted(team.TeamId);
        var problem = await app.AddSkinProblem(client);
        await app.AddWoundCare(client, problem.ProblemId, TimeWindow.Afternoon);
        Task<CaseloadEntry> Entry() => app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId }).ResponseAsync
            .ContinueWith(t => t.Result.Entries.Single(), TaskScheduler.Default);
        Assert.Null((await Entry()).NextVisit);

        // Tomorrow reviewed: the visit shows; today reviewed too, and not yet started: today's comes first.
        var tomorrow = (await app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(Today) })).Plan;
        var planned = Assert.Single(tomorrow.Assigned);
        Assert.Equal((Date(Today), planned.Start, planned.NurseId, planned.Visit.VisitId),
            (await Entry()).NextVisit is { } next ? (next.Day, next.Start, next.NurseId, next.VisitId) : default);
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(7, 0)));
        await app.Planning.ReviewDayAsync(new ReviewDayRequest { RequestId = NewRequest(), TeamId = team.TeamId, Day = Date(Today.AddDays(1)) });
        Assert.Equal(Date(Today), (await Entry()).NextVisit.Day);
        // Once today's visit has started, the next one is tomorrow's.
        Clock.SetLocal(Today.ToDateTime(TimeOnly.ParseExact(planned.Start, "HH:mm", CultureInfo.InvariantCulture).AddMinutes(1)));
        Assert.Equal(Date(Today.AddDays(1)), (await Entry()).NextVisit.Day);

        // The record's details change: the record tells the team, one-way, and the list follows.
        await app.Records.UpdateDemographicsAsync(new UpdateDemographicsRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            Source = DemographicsSource.ClientOrFamily,
            Details = new ClientDetails { GivenName = "Edie", FamilyName = "Testcase", DateOfBirth = "1938-07-14", AddressLine = "3 Old Ford Road", Postcode = "E3 2PL" },
        });
        var moved = await Eventually(Entry, e => e.AddressLine == "3 Old Ford Road");
        Assert.Equal(("Edie Testcase", "E3 2PL", 88), (moved.DisplayName, moved.Postcode, moved.Age)); // her birthday is today
    }

    [Fact]
    public async Task The_caseload_is_refused_to_the_central_office_a_coach_and_another_teams_nurse()
    {
        var app = _host.App();
        var team = await app.TeamWithNurses(2);
        await app.Admitted(team.TeamId);
        var other = await app.TeamWithNurses(1);
        var request = new GetCaseloadRequest { TeamId = team.TeamId };
        foreach (var caller in new[]
        {
            new Caller("office-1", Role.CentralOffice, null),
            new Caller("coach-1", Role.Coach, team.TeamId),
            new Caller(other.Members[0].NurseId, Role.Nurse, other.TeamId),
            new Caller(other.Members[0].NurseId, Role.Nurse, team.TeamId),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => app.As(caller).Teams.GetCaseloadAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        }
    }

    [Fact]
    public async Task An_audit_trail_of_10000_lines_pages_every_line_once_in_order()
    {
        var app = _host.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        var existing = (await app.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId, PageSize = 1000 })).Accesses.Count;
        var trail = _host.Services.GetRequiredService<IAuditTrail>();
        var at = Clock.LocalNow;
        var lines = Enumerable.Range(1, 10_000)
            .Select(i => new AccessRecord(at.AddSeconds(i), client.ClientId, $"nurse-{i:D5}", Role.Nurse, team.TeamId, "read record", null)).ToList();
        foreach (var chunk in lines.Chunk(500)) await trail.RecordAll(chunk);

        Task<ListAccessesResponse> Page(string token, int size) =>
            app.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId, PageToken = token, PageSize = size }).ResponseAsync;

        foreach (var size in new[] { 0, 333, 1000 })
        {
            var all = await All(async token => (await Page(token, size)) is var p ? (p.Accesses.AsEnumerable(), p.NextPageToken) : default);
            Assert.Equal(lines.Select(l => l.Subject), all.Skip(existing).Select(a => a.Subject));
            Assert.Equal(existing + 10_000, all.Count);
        }
        Assert.Equal(200, (await Page("", 0)).Accesses.Count);

        // The trail only grows: a token given before more lines came stays good and reaches them.
        var firstPage = await Page("", 1000);
        await trail.Record(new AccessRecord(at, client.ClientId, "nurse-late", Role.Nurse, team.TeamId, "read record", null));
        var after = await All(async token => (await Page(token.Length == 0 ? firstPage.NextPageToken : token, 1000)) is var p ? (p.Accesses.AsEnumerable(), p.NextPageToken) : default);
        Assert.Equal(existing + 10_001 - 1000, after.Count);
        Assert.Equal("nurse-late", after[^1].Subject);
    }

    [Fact]
    public async Task Referrals_page_oldest_first_within_their_status()
    {
        var app = _host.App();
        var team = await app.TeamWithNurses(2);
        var referred = new List<Referral>();
        for (var i = 0; i < 12; i++) referred.Add((await app.Referrals.ReferAsync(Referral(team.TeamId))).Referral);
        await app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = team.TeamId, ReferralId = referred[3].ReferralId });

        Task<ListReferralsResponse> Page(string token, ReferralStatus status) => app.Referrals.ListReferralsAsync(
            new ListReferralsRequest { TeamId = team.TeamId, Status = status, PageSize = 5, PageToken = token }).ResponseAsync;

        var all = await All(async token => (await Page(token, ReferralStatus.Unspecified)) is var p ? (p.Referrals.AsEnumerable(), p.NextPageToken) : default);
        Assert.Equal(referred.Select(r => r.ReferralId), all.Select(r => r.ReferralId));
        var waiting = await All(async token => (await Page(token, ReferralStatus.Waiting)) is var p ? (p.Referrals.AsEnumerable(), p.NextPageToken) : default);
        Assert.Equal(referred.Where((_, i) => i != 3).Select(r => r.ReferralId), waiting.Select(r => r.ReferralId));

        // A token of one list is not one of another.
        var token = (await Page("", ReferralStatus.Unspecified)).NextPageToken;
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => Page(token, ReferralStatus.Waiting))).StatusCode);
    }

    [Fact]
    public async Task A_page_token_or_size_the_service_did_not_give_is_refused_with_a_clear_message_on_every_list()
    {
        var app = _host.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        await app.Admitted(team.TeamId);
        var caseloadToken = (await app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId, PageSize = 1 })).NextPageToken;
        Assert.NotEmpty(caseloadToken);
        var night = Date(Clock.Today);
        var lists = new (string Name, Func<string, int, Task> Call)[]
        {
            ("caseload", (t, s) => app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = team.TeamId, PageToken = t, PageSize = s }).ResponseAsync),
            ("referrals", (t, s) => app.Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = team.TeamId, PageToken = t, PageSize = s }).ResponseAsync),
            ("calls", (t, s) => app.OnCall.ListCallsAsync(new ListCallsRequest { TeamId = team.TeamId, Night = night, PageToken = t, PageSize = s }).ResponseAsync),
            ("accesses", (t, s) => app.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId, PageToken = t, PageSize = s }).ResponseAsync),
            ("history", (t, s) => app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId, PageToken = t, PageSize = s }).ResponseAsync),
        };
        foreach (var (name, call) in lists)
        {
            var tokens = ForeignTokens.Concat(name is "caseload" or "accesses" or "history" ? [] : [caseloadToken]);
            foreach (var token in tokens)
            {
                var refused = await Record.ExceptionAsync(() => call(token, 0)) as RpcException;
                Assert.True(refused?.StatusCode == StatusCode.InvalidArgument && refused.Status.Detail.Contains("page_token", StringComparison.Ordinal),
                    $"{name} with token {token}: {refused?.StatusCode} {refused?.Status.Detail}");
            }
            foreach (var size in BadSizes)
            {
                var refused = await Record.ExceptionAsync(() => call("", size)) as RpcException;
                Assert.True(refused?.StatusCode == StatusCode.InvalidArgument && refused.Status.Detail.Contains("page_size", StringComparison.Ordinal),
                    $"{name} with size {size}: {refused?.StatusCode} {refused?.Status.Detail}");
            }
        }
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 50 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }
        Assert.True(done(value), "the change never reached the list");
        return value;
    }
}
