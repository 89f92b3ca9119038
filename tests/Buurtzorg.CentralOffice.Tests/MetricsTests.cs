using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Xunit.Abstractions;

namespace Buurtzorg.CentralOffice.Tests;

public sealed partial class MetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_serve_the_domain_meters_with_no_patient_identifier_in_any_label()
    {
        await using var host = await OfficeHost.Start();
        var app = host.App();
        var team = await app.TeamWithNurses(4);
        var nhsNumber = TeamApp.NextNhsNumber();
        var referral = await app.Referrals.ReferAsync(TeamApp.Referral(team.TeamId, nhsNumber));
        var entry = (await app.Referrals.AdmitAsync(new AdmitRequest { RequestId = TeamApp.NewRequest(), TeamId = team.TeamId, ReferralId = referral.Referral.ReferralId })).Entry;
        await app.Visit(entry.ClientId, entry.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1));
        var declined = await app.Referrals.ReferAsync(TeamApp.Referral(team.TeamId));
        await app.Referrals.DeclineAsync(new DeclineRequest { RequestId = TeamApp.NewRequest(), TeamId = team.TeamId, ReferralId = declined.Referral.ReferralId, Reason = DeclineReason.TeamChoice });

        using var http = new HttpClient();
        var metricsUrl = host.PageUrl.Replace("/central-office", "/metrics", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(metricsUrl))).StatusCode);
        var asNurse = new HttpRequestMessage(HttpMethod.Get, metricsUrl) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", host.Mint(new("n-1", Role.Nurse, team.TeamId))) } };
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(asNurse)).StatusCode);

        string text = "";
        for (var attempt = 0; attempt < 20 && !text.Contains("buurtzorg_visits_recorded", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250);
            var asOperator = new HttpRequestMessage(HttpMethod.Get, metricsUrl) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", host.Mint(new("op-1", Role.Operator, null))) } };
            using var response = await http.SendAsync(asOperator);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
        }
        output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.StartsWith("buurtzorg_", StringComparison.Ordinal) || l.Contains("grain", StringComparison.OrdinalIgnoreCase)).Take(60)));

        Assert.Matches(@"buurtzorg_admissions_total(\{[^}]*\})? 1", text);
        Assert.Matches("buurtzorg_declines_total\\{[^}]*reason=\"TeamChoice\"[^}]*\\} 1", text);
        Assert.Matches("buurtzorg_visits_recorded_total\\{[^}]*out_of_hours=\"false\"[^}]*\\} 1", text);
        Assert.Contains("rpc=\"/buurtzorg.v1.ReferralService/Admit\"", text, StringComparison.Ordinal);
        Assert.Contains("orleans", text, StringComparison.Ordinal);

        // No client, nurse or team id, no NHS number, no name: labels are RPC names and codes.
        foreach (var identifier in new[] { entry.ClientId, entry.NamedNurseId, team.TeamId, nhsNumber, "Edith", "Testcase" })
            Assert.DoesNotContain(identifier, text, StringComparison.Ordinal);
        Assert.DoesNotMatch(TenDigits(), text);
    }

    [Fact]
    public async Task Metrics_are_for_operators_only_a_central_office_token_is_refused()
    {
        await using var host = await OfficeHost.Start();
        using var http = new HttpClient();
        var metricsUrl = new Uri(host.PageUrl.Replace("/central-office", "/metrics", StringComparison.Ordinal));
        HttpRequestMessage As(Caller caller) =>
            new(HttpMethod.Get, metricsUrl) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", host.Mint(caller)) } };

        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(As(OfficeHost.OfficeCaller))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(As(new Caller("op-1", Role.Operator, null)))).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_opens_for_an_operator_signed_in_and_for_nobody_else()
    {
        await using var host = await OfficeHost.Start();
        var dashboard = new Uri(host.PageUrl.Replace("/central-office", "/dashboard/", StringComparison.Ordinal));
        var session = new Uri(host.PageUrl + "/session");

        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(dashboard)).StatusCode);

        foreach (var (caller, expected) in new[] { (new Caller("op-1", Role.Operator, null), HttpStatusCode.OK), (OfficeHost.OfficeCaller, HttpStatusCode.Forbidden) })
        {
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
            var signIn = new HttpRequestMessage(HttpMethod.Post, session) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", host.Mint(caller)) } };
            Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(signIn)).StatusCode);
            using var page = await browser.GetAsync(dashboard);
            Assert.Equal(expected, page.StatusCode);
            if (expected == HttpStatusCode.OK) Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        using var nurse = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
        var nurseSignIn = new HttpRequestMessage(HttpMethod.Post, session) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", host.Mint(new("n-1", Role.Nurse, "team-x"))) } };
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.SendAsync(nurseSignIn)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await nurse.GetAsync(dashboard)).StatusCode);
    }

    [GeneratedRegex(@"\b999\d{7}\b")]
    private static partial Regex TenDigits();
}
