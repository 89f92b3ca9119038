using System.Net;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;
using Task = System.Threading.Tasks.Task;

namespace Buurtzorg.Api.Tests.Fhir;

/// <summary>
/// A GP system's FHIR ServiceRequest becomes a waiting referral on the team whose neighbourhood holds the patient's
/// postcode; sent twice it is one referral; outside every neighbourhood, or malformed, it is refused with an
/// OperationOutcome and nothing is referred. (Each test has neighbourhoods of its own: the directory is the host's.)
/// </summary>
public sealed class ReferralInTests(FhirHost host) : IClassFixture<FhirHost>
{
    private const string ReferralSystem = "https://fhir.buurtzorg.example/Id/referral";
    private const string TeamSystem = "https://fhir.buurtzorg.example/Id/team";

    private static readonly Caller GpSystem = new("gp-system-bow", Role.Referrer, null);

    /// <summary>A referral as a GP system sends one: the patient contained, with their details.</summary>
    private static string ReferralJson(string identifier, string nhsNumber, string postcode, string status = "active",
        string need = "wound-care", string subject = "#p", string family = "Testcase") => $$"""
        {
          "resourceType": "ServiceRequest",
          "contained": [{
            "resourceType": "Patient",
            "id": "p",
            "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "{{nhsNumber}}" }],
            "name": [{ "use": "official", "family": "{{family}}", "given": ["Edith"] }],
            "birthDate": "1938-04-12",
            "address": [{ "use": "home", "line": ["12 Roman Road"], "postalCode": "{{postcode}}" }]
          }],
          "identifier": [{ "system": "https://gp.example/referrals", "value": "{{identifier}}" }],
          "status": "{{status}}",
          "intent": "order",
          "code": { "text": "District nursing" },
          "orderDetail": [{ "coding": [{ "system": "https://fhir.buurtzorg.example/CodeSystem/need", "code": "{{need}}" }] }],
          "subject": { "reference": "{{subject}}" },
          "requester": { "display": "Dr A Example, Bow Health Centre" },
          "reasonCode": [{ "text": "Leg ulcer needing dressings three times a week" }]
        }
        """;

    private async Task<string> TeamWithANurse(string footprint, int nurses = 1)
    {
        var app = host.Api.App();
        var team = await app.ActiveTeam(footprint);
        for (var i = 0; i < nurses; i++) await app.Join(team.TeamId, await app.RegisterNurse());
        return team.TeamId;
    }

    private async Task<List<V1.Referral>> Referrals(string teamId) =>
        [.. (await host.Api.App().Referrals.ListReferralsAsync(new ListReferralsRequest { TeamId = teamId })).Referrals];

    [Fact]
    public async Task A_gp_systems_service_request_becomes_a_waiting_referral_on_the_team_whose_neighbourhood_holds_the_postcode()
    {
        var district = await TeamWithANurse("N16");
        var sector = await TeamWithANurse("N16 7");

        var reply = await host.Post("ServiceRequest", ReferralJson(NewRequest(), NextNhsNumber(), "N16 7AB"), GpSystem);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var answer = Assert.IsType<ServiceRequest>(reply.Resource);
        Assert.Equal(RequestStatus.Active, answer.Status);
        Assert.Contains(answer.Identifier, i => i.System == ReferralSystem && i.Value == answer.Id);
        Assert.Equal(sector, Assert.Single(answer.Performer).Identifier!.Value);
        Assert.EndsWith($"/fhir/ServiceRequest/{answer.Id}", reply.Location, StringComparison.Ordinal);
        var waiting = Assert.Single(await Referrals(sector));
        Assert.Equal((answer.Id, ReferralStatus.Waiting, ReferralSource.GeneralPractitioner, "N16 7"),
            (waiting.ReferralId, waiting.Status, waiting.Source, waiting.PostcodeSector));
        Assert.Equal([Skill.WoundCare], waiting.Needs);
        Assert.Empty(await Referrals(district));

        // Elsewhere in the district, the district's team.
        var next = Assert.IsType<ServiceRequest>((await host.Post("ServiceRequest", ReferralJson(NewRequest(), NextNhsNumber(), "N16 2XY", need: "diabetes-care"), GpSystem)).Resource);
        Assert.Equal(district, Assert.Single(next.Performer).Identifier!.Value);
        Assert.Equal(next.Id, Assert.Single(await Referrals(district)).ReferralId);
    }

    [Fact]
    public async Task The_same_service_request_sent_twice_is_one_referral()
    {
        var team = await TeamWithANurse("N17");
        var body = ReferralJson(NewRequest(), NextNhsNumber(), "N17 6AA");

        var first = await host.Post("ServiceRequest", body, GpSystem);
        var again = await host.Post("ServiceRequest", body, GpSystem);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Resource.Id, again.Resource.Id);
        Assert.Equal(first.Resource.Id, Assert.Single(await Referrals(team)).ReferralId);
    }

    [Fact]
    public async Task A_referral_outside_every_neighbourhood_is_refused_with_an_outcome_a_gp_system_can_show()
    {
        var nhsNumber = NextNhsNumber();

        var reply = await host.Post("ServiceRequest", ReferralJson(NewRequest(), nhsNumber, "ZE1 0AA"), GpSystem);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        Assert.Equal(OperationOutcome.IssueType.BusinessRule, reply.Issue.Code);
        Assert.StartsWith("No Buurtzorg team's neighbourhood holds the patient's postcode, so no team was sent this referral.", reply.Issue.Details!.Text, StringComparison.Ordinal);
        Assert.Contains(reply.Issue.Details!.Coding, c => c.Code == "OUTSIDE_FOOTPRINT");
        foreach (var patientData in new[] { nhsNumber, "ZE1", "Testcase", "Roman Road" })
            Assert.DoesNotContain(patientData, reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_referral_is_a_400_the_central_office_may_not_refer_and_nothing_is_referred()
    {
        var team = await TeamWithANurse("N18");
        var nhsNumber = NextNhsNumber();
        var badCheckDigit = nhsNumber[..9] + (char)('0' + ((nhsNumber[9] - '0' + 1) % 10));
        string[] malformed =
        [
            "{ not json",
            """{ "resourceType": "Patient", "id": "p" }""",
            ReferralJson(NewRequest(), nhsNumber, "N18 1AA").Replace("\"system\": \"https://gp.example/referrals\", ", "", StringComparison.Ordinal),
            ReferralJson(NewRequest(), badCheckDigit, "N18 1AA"),
            ReferralJson(NewRequest(), nhsNumber, "N18 1AA", status: "draft"),
            ReferralJson(NewRequest(), nhsNumber, "N18 1AA", need: "gardening"),
            ReferralJson(NewRequest(), nhsNumber, "N18 1AA", subject: "Patient/elsewhere"),
            ReferralJson(NewRequest(), nhsNumber, "not a postcode"),
            ReferralJson(NewRequest(), nhsNumber, "N18 1AA", family: ""),
        ];
        foreach (var body in malformed)
        {
            var reply = await host.Post("ServiceRequest", body, GpSystem);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{reply.Status}: {reply.Text}");
            Assert.Equal(OperationOutcome.IssueType.Invalid, reply.Issue.Code);
            Assert.DoesNotContain(badCheckDigit, reply.Text, StringComparison.Ordinal);
        }

        var good = ReferralJson(NewRequest(), nhsNumber, "N18 1AA");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await host.Post("ServiceRequest", good, GpSystem, "text/plain")).Status);
        var office = await host.Post("ServiceRequest", good, new Caller("office-test", Role.CentralOffice, null));
        Assert.Equal((HttpStatusCode.Forbidden, "The central_office role may not do this."), (office.Status, office.Issue.Details!.Text));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Post("ServiceRequest", good, caller: null)).Status);
        var otherTeam = await TeamWithANurse("N19");
        var nurseElsewhere = await host.Post("ServiceRequest", good, new Caller("nurse-elsewhere", Role.Nurse, otherTeam));
        Assert.Equal(HttpStatusCode.Forbidden, nurseElsewhere.Status);

        Assert.Empty(await Referrals(team));
    }

    [Fact]
    public async Task A_gp_referral_with_other_details_for_a_client_already_known_leaves_the_records_details_as_they_were()
    {
        var team = await TeamWithANurse("N20", nurses: 2);
        var nhsNumber = NextNhsNumber();
        var app = host.Api.App();
        var first = await host.Post("ServiceRequest", ReferralJson(NewRequest(), nhsNumber, "N20 1AA"), GpSystem);
        var entry = (await app.Referrals.AdmitAsync(new AdmitRequest { RequestId = NewRequest(), TeamId = team, ReferralId = first.Resource.Id })).Entry;

        var second = await host.Post("ServiceRequest", ReferralJson(NewRequest(), nhsNumber, "N20 1AA", family: "Othername"), GpSystem);

        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.NotEqual(first.Resource.Id, second.Resource.Id);
        var record = (await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = entry.ClientId })).Record;
        Assert.Equal("Testcase", record.Details.FamilyName);
        Assert.True(record.DetailsDifferFromReferral);
    }
}
