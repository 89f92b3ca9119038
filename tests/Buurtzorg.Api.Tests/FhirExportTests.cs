// The test walks Firely's models, whose elements are all optional: a missing one fails the test where it is read.
#nullable disable warnings
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Fhir;
using Buurtzorg.Fhir.Tests;
using Buurtzorg.Grains.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;
using Model = Hl7.Fhir.Model;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A team nurse exports a client's whole stay through gRPC: the bundle validates against R4 and reads back equal to
/// what GetRecord and GetHistory say; nobody outside the client's team gets it, and the export is in the access log.
/// </summary>
public sealed class FhirExportTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const int Visits = 200;

    private sealed record Story(Team Team, CaseloadEntry Client, TeamApp Nurse, GetRecordResponse BeforeDischarge, string CorrectedVisit,
        string StruckVisit, List<string> VisitIds);

    [Fact]
    public async Task A_team_nurse_exports_a_whole_stay_that_validates_and_reads_back_equal_to_the_record()
    {
        var story = await WholeStay();

        var response = await story.Nurse.Records.ExportFhirAsync(new ExportFhirRequest { ClientId = story.Client.ClientId });

        var bundle = FhirExport.FromJson<Model.Bundle>(response.BundleJson);
        Assert.Empty(R4Validator.Errors(bundle));
        Assert.Equal(bundle.Entry.Count, response.ResourceCount);
        var resources = bundle.Entry.Select(e => e.Resource).ToList();
        var encounters = resources.OfType<Model.Encounter>().ToDictionary(e => e.Id);
        Assert.Equal(Visits - 1, response.EncounterCount);
        Assert.Equal(story.VisitIds.Where(v => v != story.StruckVisit).Order(StringComparer.Ordinal), encounters.Keys.Order(StringComparer.Ordinal));

        // Equal to what GetRecord said before the discharge: its latest visits, network, goals, problems and ratings.
        var before = story.BeforeDischarge.Record;
        Assert.Equal(before.VisitsInEpisode, encounters.Count);
        foreach (var visit in before.Visits)
        {
            var encounter = encounters[visit.VisitId];
            Assert.Equal(Ms(visit.Start.ToDateTimeOffset()), Ms(encounter.Period.StartElement.ToDateTimeOffset(TimeSpan.Zero)));
            Assert.Equal(Ms(visit.Start.ToDateTimeOffset().AddMinutes(visit.DurationMinutes)), Ms(encounter.Period.EndElement.ToDateTimeOffset(TimeSpan.Zero)));
            Assert.Equal(visit.DirectCareMinutes, (int)encounter.Length.Value!.Value);
            Assert.Equal("Practitioner/" + visit.NurseId, encounter.Participant.Single().Individual.Reference);
        }
        var corrected = encounters[story.CorrectedVisit];
        Assert.Equal(50m, corrected.Length.Value);
        Assert.Equal(FhirCodes.Corrected, corrected.Meta.Tag.Single().Code);
        Assert.Equal(before.Network.Select(m => (m.MemberId, m.Name)),
            resources.OfType<Model.RelatedPerson>().Select(r => (r.Id, r.Name.Single().Text)));
        Assert.Equal(before.Goals.Select(g => (g.GoalId, g.Description, g.ProblemId)),
            resources.OfType<Model.Goal>().Select(g => (g.Id, g.Description.Text, g.Addresses.Single().Reference["Condition/".Length..])));
        var problem = before.Problems.Single();
        var ratings = resources.OfType<Model.Observation>().Where(o => o.Focus.Single().Reference == "Condition/" + problem.ProblemId)
            .Select(o => o.Component.Select(c => ((Model.Integer)c.Value).Value!.Value).ToList()).ToList();
        Assert.Equal([problem.FirstRating.Rating_.Knowledge, problem.FirstRating.Rating_.Behaviour, problem.FirstRating.Rating_.Status], ratings[0]);
        Assert.Equal([problem.LatestRating.Rating_.Knowledge, problem.LatestRating.Rating_.Behaviour, problem.LatestRating.Rating_.Status], ratings[1]);
        Assert.Equal([5, 5, 5], ratings[^1]); // the final rating at discharge

        // And to what it says after: the episode finished when the team discharged, the client's NHS number as given.
        var after = (await story.Nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = story.Client.ClientId })).Record;
        var episode = resources.OfType<Model.EpisodeOfCare>().Single();
        Assert.Equal(Model.EpisodeOfCare.EpisodeOfCareStatus.Finished, episode.Status);
        Assert.Equal(Ms(after.PastEpisodes.Single().DischargedAt.ToDateTimeOffset()), Ms(episode.Period.EndElement.ToDateTimeOffset(TimeSpan.Zero)));
        Assert.Equal(after.NhsNumber, resources.OfType<Model.Patient>().Single().Identifier.Single(i => i.System == FhirCodes.NhsNumberSystem).Value);

        // Every visit the history holds and no correction struck is there (the history pages say which were struck).
        var history = await WholeHistory(story.Nurse, story.Client.ClientId);
        Assert.Equal(history.Count, response.HistoryEntries);
        var struck = history.Where(e => e.Kind == "correction" && e.CorrectsEntryId == story.StruckVisit).ToList();
        Assert.Single(struck);
        Assert.Equal(history.Where(e => e.Kind == "visit_recorded" && e.EntryId != story.StruckVisit).Select(e => e.EntryId).Order(StringComparer.Ordinal),
            encounters.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Another_teams_nurse_and_the_central_office_are_refused_and_the_export_is_in_the_access_log()
    {
        var app = host.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        var nurse = app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));
        var request = new ExportFhirRequest { ClientId = client.ClientId };

        var other = await Refused(() => app.As(new Caller("nurse-x", Role.Nurse, "team-other")).Records.ExportFhirAsync(request).ResponseAsync);
        var office = await Refused(() => app.As(new Caller("office-x", Role.CentralOffice, null)).Records.ExportFhirAsync(request).ResponseAsync);
        var unknown = await Refused(() => nurse.Records.ExportFhirAsync(new ExportFhirRequest { ClientId = "c-0000000000000000" }).ResponseAsync);
        var malformed = await Refused(() => nurse.Records.ExportFhirAsync(new ExportFhirRequest { ClientId = "Not An Id" }).ResponseAsync);
        await nurse.Records.ExportFhirAsync(request);

        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, office.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.DoesNotContain("Testcase", other.Status.Detail, StringComparison.Ordinal);
        var accesses = (await nurse.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId })).Accesses;
        Assert.Contains(accesses, a => a.Subject == client.NamedNurseId && a.Action == "read history");
        // The other team's attempt reached the record and is kept as refused; the office never got past the door.
        Assert.Equal(["denied read history"], accesses.Where(a => a.Subject == "nurse-x").Select(a => a.Action));
        Assert.DoesNotContain(accesses, a => a.Subject == "office-x");
    }

    [Fact]
    public async Task An_out_of_hours_nurse_with_a_reason_exports_the_record_without_the_teams_details_and_the_reason_is_kept()
    {
        var app = host.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        await app.Visit(client.ClientId, client.NamedNurseId, DateTimeOffset.UtcNow.AddHours(-1));
        var night = app.As(new Caller("ooh-fhir", Role.OutOfHours, null), "Night call: client fell");

        var response = await night.Records.ExportFhirAsync(new ExportFhirRequest { ClientId = client.ClientId });

        var bundle = FhirExport.FromJson<Model.Bundle>(response.BundleJson);
        Assert.Empty(R4Validator.Errors(bundle));
        Assert.Equal(1, response.EncounterCount);
        Assert.Null(bundle.Entry.Select(e => e.Resource).OfType<Model.Organization>().Single().Name);
        Assert.Empty(bundle.Entry.Select(e => e.Resource).OfType<Model.CareTeam>());
        var accesses = (await app.Records.ListAccessesAsync(new ListAccessesRequest { ClientId = client.ClientId })).Accesses;
        Assert.Contains(accesses, a => a.Subject == "ooh-fhir" && a.Action == "read history" && a.Reason == "Night call: client fell");
    }

    /// <summary>A stay as a team writes it through the API: care plan, 200 visits, a corrected and a struck visit, discharge.</summary>
    private async Task<Story> WholeStay()
    {
        var app = host.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        var nurse = app.As(new Caller(client.NamedNurseId, Role.Nurse, team.TeamId));
        var problem = await nurse.AddSkinProblem(client);
        await nurse.Rate(client, problem.ProblemId, 2, 2, 1);
        var wound = await nurse.AddWoundCare(client, problem.ProblemId);
        await nurse.Records.AgreeGoalAsync(new AgreeGoalRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            ProblemId = problem.ProblemId,
            Description = "Leg ulcer healed",
            AgreedBy = AgreedBy.Client,
            AgreedByName = "Edith Testcase",
        });
        await nurse.Records.AddNetworkMemberAsync(new AddNetworkMemberRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            Role = NetworkRole.Family,
            Name = "Jane Testcase",
            Contact = "07700 900001",
            ContactPreference = ContactPreference.Phone,
        });
        await nurse.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = client.ClientId, RecordedBy = client.NamedNurseId, Text = "Settled in." });

        // The visits fall in the day before the admission was recorded (the assessment grace) and up to now.
        var first = DateTimeOffset.UtcNow.AddHours(-23);
        var visitIds = new List<string>();
        for (var i = 0; i < Visits; i++)
        {
            var request = VisitRequest(client.ClientId, client.NamedNurseId, first.AddMinutes(6 * i));
            request.DurationMinutes = 5;
            request.DirectCareMinutes = 4;
            request.InterventionsDone.Add(wound.InterventionId);
            visitIds.Add((await nurse.Records.RecordVisitAsync(request)).Visit.VisitId);
        }
        await nurse.Rate(client, problem.ProblemId, 3, 3, 3);
        var correctedVisit = visitIds[10];
        var original = (await nurse.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = client.ClientId, PageSize = 500 })).Entries
            .Single(e => e.EntryId == correctedVisit);
        await nurse.Records.CorrectEntryAsync(new CorrectEntryRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            EntryId = correctedVisit,
            Reason = "Wrong duration",
            Visit = new Visit
            {
                VisitId = correctedVisit,
                NurseId = client.NamedNurseId,
                Start = Timestamp.FromDateTimeOffset(first.AddMinutes(60)),
                DurationMinutes = 55,
                DirectCareMinutes = 50,
                InterventionsDone = { wound.InterventionId },
            },
        });
        Assert.Equal("visit_recorded", original.Kind);
        var struckVisit = visitIds[20];
        await nurse.Records.CorrectEntryAsync(new CorrectEntryRequest
        {
            RequestId = NewRequest(),
            ClientId = client.ClientId,
            RecordedBy = client.NamedNurseId,
            EntryId = struckVisit,
            Reason = "Recorded for the wrong client",
            Strike = true,
        });
        var before = await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId });
        await nurse.Referrals.DischargeAsync(new DischargeRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = client.ClientId,
            Reason = DischargeReason.GoalsMet,
            Summary = "Ulcer healed.",
            RecordedBy = client.NamedNurseId,
            FinalRatings = { new FinalRating { ProblemId = problem.ProblemId, Rating = new OutcomeRating { Knowledge = 5, Behaviour = 5, Status = 5 } } },
        });
        return new Story(team, client, nurse, before, correctedVisit, struckVisit, visitIds);
    }

    /// <summary>An instant to the millisecond: what survives every format on the way (protobuf, FHIR JSON).</summary>
    private static DateTimeOffset Ms(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), at.Offset);

    private static async Task<List<HistoryEntry>> WholeHistory(TeamApp app, string clientId)
    {
        var entries = new List<HistoryEntry>();
        var token = "";
        do
        {
            var page = await app.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId, PageSize = 500, PageToken = token });
            entries.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token != "");
        return entries;
    }
}
