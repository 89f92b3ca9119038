using System.Net;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;
using Task = System.Threading.Tasks.Task;

namespace Buurtzorg.Api.Tests.Fhir;

/// <summary>
/// The FHIR REST face reads as the gRPC API does: the client's own team, and the out-of-hours service with a reason;
/// searches answer paged searchset Bundles; everyone else is refused with an OperationOutcome; every read is audited.
/// </summary>
public sealed class FhirRestTests(FhirHost host) : IClassFixture<FhirHost>
{
    private const string NhsSystem = "https://fhir.nhs.uk/Id/nhs-number";

    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private sealed record Story(Team Team, Caller Nurse, string ClientId, string NhsNumber, List<DateTimeOffset> Visits);

    /// <summary>A client admitted ten days ago, with a visit every eight hours since (on the hour).</summary>
    private async Task<Story> ClientWithVisits(int visits)
    {
        var app = host.Api.App();
        Team team;
        CaseloadEntry entry;
        var nhsNumber = NextNhsNumber();
        host.Clock.Offset = TimeSpan.FromDays(-10);
        try
        {
            team = await app.TeamWithNurses(2);
            var referral = await app.Referrals.ReferAsync(TeamApp.Referral(team.TeamId, nhsNumber));
            entry = (await app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = team.TeamId, ReferralId = referral.Referral.ReferralId })).Entry;
        }
        finally
        {
            host.Clock.Offset = TimeSpan.Zero;
        }
        var admitted = entry.AdmittedAt.ToDateTimeOffset();
        var first = new DateTimeOffset(admitted.Year, admitted.Month, admitted.Day, admitted.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        var starts = Enumerable.Range(0, visits).Select(k => first.AddHours(8 * k)).ToList();
        foreach (var start in starts) await app.Visit(entry.ClientId, entry.NamedNurseId, start);
        return new Story(team, new Caller(team.Members[0].NurseId, Role.Nurse, team.TeamId), entry.ClientId, nhsNumber, starts);
    }

    private static DateOnly LondonDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, London).DateTime);

    /// <summary>The client's audit trail, as a nurse of the client's team lists it.</summary>
    private async Task<List<Access>> Accesses(Story story) =>
        [.. (await host.Api.App().As(story.Nurse).Records.ListAccessesAsync(new ListAccessesRequest { ClientId = story.ClientId, PageSize = 1000 })).Accesses];

    [Fact]
    public async Task The_capability_statement_says_what_the_face_serves_without_a_token()
    {
        var reply = await host.Get("metadata", caller: null);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var statement = Assert.IsType<CapabilityStatement>(reply.Resource);
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        var served = Assert.Single(statement.Rest).Resource;
        Assert.Equal(["Patient", "Encounter", "ServiceRequest"], served.Select(r => r.Type!.ToString()));
        Assert.Contains(served[0].Operation, o => o.Name == "everything");
    }

    [Fact]
    public async Task A_team_nurse_finds_her_client_by_nhs_number_and_pages_through_visits_and_the_record_with_every_read_audited()
    {
        var story = await ClientWithVisits(24);
        var nurse = story.Nurse;

        var found = Assert.IsType<Bundle>((await host.Get($"Patient?identifier={NhsSystem}|{story.NhsNumber}", nurse)).Resource);
        Assert.Equal(Bundle.BundleType.Searchset, found.Type);
        Assert.Equal(1, found.Total);
        var patient = Assert.IsType<Patient>(Assert.Single(found.Entry).Resource);
        Assert.Equal(story.ClientId, patient.Id);
        Assert.Contains(patient.Identifier, i => i.System == NhsSystem && i.Value == story.NhsNumber);
        var nobody = Assert.IsType<Bundle>((await host.Get($"Patient?identifier={NhsSystem}|{NextNhsNumber()}", nurse)).Resource);
        Assert.Equal(0, nobody.Total);
        Assert.Empty(nobody.Entry);

        // Three days of visits (days on the London clock), four to a page, by following the next links.
        var from = LondonDay(story.Visits[0]).AddDays(2);
        var to = from.AddDays(2);
        var expected = story.Visits.Where(v => LondonDay(v) >= from && LondonDay(v) <= to).ToList();
        var pages = await host.AllPages($"Encounter?patient={story.ClientId}&date=ge{from:yyyy-MM-dd}&date=le{to:yyyy-MM-dd}&_count=4", nurse);
        Assert.Equal((expected.Count + 3) / 4, pages.Count);
        Assert.All(pages, page => Assert.Equal(expected.Count, page.Total));
        Assert.All(pages.SkipLast(1), page => Assert.Equal(4, page.Entry.Count));
        var encounters = pages.SelectMany(p => p.Entry).Select(e => Assert.IsType<Encounter>(e.Resource)).ToList();
        Assert.Equal(expected, encounters.Select(e => e.Period!.StartElement!.ToDateTimeOffset(TimeSpan.Zero)));
        Assert.Equal(encounters.Count, encounters.Select(e => e.Id).Distinct().Count());
        Assert.All(encounters, e => Assert.Equal($"Patient/{story.ClientId}", e.Subject!.Reference));

        // The whole record, ten resources to a page, the Patient first, each resource once.
        var everything = await host.AllPages($"Patient/{story.ClientId}/$everything?_count=10", nurse);
        var entries = everything.SelectMany(p => p.Entry).ToList();
        Assert.True(everything.Count >= 3, $"{entries.Count} resources came in {everything.Count} pages");
        Assert.Equal(everything[0].Total, entries.Count);
        Assert.Equal(story.ClientId, Assert.IsType<Patient>(entries[0].Resource).Id);
        Assert.Equal(24, entries.Count(e => e.Resource is Encounter));
        Assert.Equal(entries.Count, entries.Select(e => e.FullUrl).Distinct().Count());

        // Every read through the face is in the client's audit trail, as the nurse who made it.
        var reads = 1 + pages.Count + everything.Count;
        Assert.Equal(reads, (await Accesses(story)).Count(a => a.Subject == nurse.Subject && a.Action == "read history"));
    }

    [Fact]
    public async Task An_out_of_hours_nurse_with_a_reason_reads_the_record_over_rest_and_the_reason_is_kept()
    {
        var story = await ClientWithVisits(3);
        var night = new Caller("ooh-rest", Role.OutOfHours, null);
        const string Reason = "Night call: the dressing has come off";

        var found = Assert.IsType<Bundle>((await host.Get($"Patient?identifier={NhsSystem}|{story.NhsNumber}", night, Reason)).Resource);
        Assert.Equal(story.ClientId, Assert.IsType<Patient>(Assert.Single(found.Entry).Resource).Id);
        var visits = Assert.IsType<Bundle>((await host.Get($"Encounter?patient={story.ClientId}", night, Reason)).Resource);
        Assert.Equal(3, visits.Entry.Count);
        var everything = await host.AllPages($"Patient/{story.ClientId}/$everything", night, Reason);
        var resources = everything.SelectMany(p => p.Entry).Select(e => e.Resource).ToList();
        Assert.Equal(3, resources.Count(r => r is Encounter));

        // The team is named by its id only: the rules let the out-of-hours service read the record, not the team.
        var team = Assert.Single(resources.OfType<Organization>());
        Assert.Null(team.Name);
        Assert.DoesNotContain(resources, r => r is CareTeam);

        var trail = await Accesses(story);
        Assert.Equal(3, trail.Count(a => a.Subject == night.Subject && a.Reason == Reason));
    }

    [Fact]
    public async Task Another_teams_nurse_the_central_office_and_callers_without_a_good_token_are_refused_with_an_operation_outcome()
    {
        var story = await ClientWithVisits(1);
        var other = await host.Api.App().TeamWithNurses(1);
        var stranger = new Caller(other.Members[0].NurseId, Role.Nurse, other.TeamId);
        var office = new Caller("office-test", Role.CentralOffice, null);
        var night = new Caller("ooh-test", Role.OutOfHours, null);
        string[] reads = [$"Patient?identifier={NhsSystem}|{story.NhsNumber}", $"Patient/{story.ClientId}/$everything", $"Encounter?patient={story.ClientId}"];

        foreach (var read in reads)
        {
            var refusals = new[]
            {
                (await host.Get(read, stranger), HttpStatusCode.Forbidden, "This belongs to another team."),
                (await host.Get(read, office), HttpStatusCode.Forbidden, "The central_office role may not do this."),
                (await host.Get(read, night), HttpStatusCode.Forbidden, "Out-of-hours access to a record needs a stated reason (the x-access-reason header)."),
                (await host.Get(read, caller: null), HttpStatusCode.Unauthorized, "This request needs a valid bearer token (Authorization: Bearer …)."),
                (await host.Get(read, caller: null, token: "not-a-token"), HttpStatusCode.Unauthorized, "This request needs a valid bearer token (Authorization: Bearer …)."),
            };
            foreach (var (reply, status, message) in refusals)
            {
                Assert.Equal(status, reply.Status);
                Assert.Equal(message, reply.Issue.Details!.Text);
                Assert.Equal(status == HttpStatusCode.Forbidden ? OperationOutcome.IssueType.Forbidden : OperationOutcome.IssueType.Login, reply.Issue.Code);
                Assert.DoesNotContain(story.NhsNumber, reply.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("Testcase", reply.Text, StringComparison.Ordinal);
            }
        }

        // The other team's tries are in the client's audit trail; callers refused by their role never reached the record.
        var trail = await Accesses(story);
        Assert.Equal(3, trail.Count(a => a.Subject == stranger.Subject && a.Action == "denied read history"));
        Assert.DoesNotContain(trail, a => a.Subject == night.Subject);
        Assert.DoesNotContain(trail, a => a.Subject == office.Subject);
    }

    [Fact]
    public async Task Bad_input_is_a_400_an_unknown_patient_a_404_and_no_answer_echoes_the_nhs_number()
    {
        var story = await ClientWithVisits(1);
        var wrongCheckDigit = story.NhsNumber[..9] + (char)('0' + ((story.NhsNumber[9] - '0' + 1) % 10));
        string[] bad =
        [
            $"Patient?identifier={NhsSystem}|{wrongCheckDigit}",
            $"Patient?identifier={NhsSystem}|{story.NhsNumber[..8]}",
            "Patient",
            $"Patient?identifier=https://example.org/mrn|{story.NhsNumber}",
            "Encounter",
            $"Encounter?patient={story.ClientId}&_count=0",
            $"Encounter?patient={story.ClientId}&_count=many",
            $"Encounter?patient={story.ClientId}&_page=made-up",
            $"Encounter?patient={story.ClientId}&date=ge31/01/2026",
            $"Encounter?patient={story.ClientId}&date=2026-01-31T09:00",
            $"Patient/{story.ClientId}/$everything?_count=5000",
            "Patient/Not%20An%20Id/$everything",
        ];
        foreach (var query in bad)
        {
            var reply = await host.Get(query, story.Nurse);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{query}: {reply.Status}");
            Assert.Equal(OperationOutcome.IssueType.Invalid, reply.Issue.Code);
            Assert.DoesNotContain(story.NhsNumber[..8], reply.Text, StringComparison.Ordinal);
        }

        foreach (var unknown in new[] { "Patient/c-0000000000000000/$everything", "Encounter?patient=c-0000000000000000", "Observation?patient=x" })
        {
            var reply = await host.Get(unknown, story.Nurse);
            Assert.Equal(HttpStatusCode.NotFound, reply.Status);
            Assert.Equal(OperationOutcome.IssueType.NotFound, reply.Issue.Code);
        }
    }
}
