using System.Globalization;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// Wrong details on the right record: a referral's details are a claim the client's team checks, never a replacement;
/// the record's details change only when a nurse of the client's team confirms them, as an attributed entry.
/// </summary>
public sealed class DemographicsTests(ApiHost host) : IClassFixture<ApiHost>
{
    private readonly TeamApp _app = host.App();

    private static ClientDetails Margaret() => new()
    {
        GivenName = "Margaret",
        FamilyName = "Pennyfeather",
        DateOfBirth = "1941-02-03",
        AddressLine = "9 Antill Road",
        Postcode = "E3 3QQ",
    };

    private static ClientDetails EdithMoved() => new()
    {
        GivenName = "Edith",
        FamilyName = "Testcase",
        DateOfBirth = "1938-04-12",
        AddressLine = "3 Malmesbury Road",
        Postcode = "E3 2HG",
    };

    /// <summary>A team of two with one admitted client, and the app as a nurse of that team.</summary>
    private async Task<(string TeamId, CaseloadEntry Client, string NhsNumber, TeamApp Nurse)> ClientOnCaseload()
    {
        var team = await _app.TeamWithNurses(2);
        var referral = Referral(team.TeamId);
        var referred = (await _app.Referrals.ReferAsync(referral)).Referral;
        var entry = await Admit(team.TeamId, referred.ReferralId);
        return (team.TeamId, entry, referral.NhsNumber, _app.As(new Caller(team.Members[0].NurseId, Role.Nurse, team.TeamId)));
    }

    private async Task<CaseloadEntry> Admit(string teamId, string referralId) =>
        (await _app.Referrals.AdmitAsync(new() { RequestId = NewRequest(), TeamId = teamId, ReferralId = referralId }))
        .Entry;

    private static async Task<CareRecord> Record(TeamApp nurse, string clientId) =>
        (await nurse.Records.GetRecordAsync(new GetRecordRequest { ClientId = clientId })).Record;

    private static async Task<int> HistoryCount(TeamApp nurse, string clientId) =>
        (await nurse.Records.GetHistoryAsync(new GetHistoryRequest { ClientId = clientId })).Entries.Count;

    private async Task<Referral> Refer(string teamId, string nhsNumber, ClientDetails details)
    {
        var request = Referral(teamId, nhsNumber);
        request.Client = details;
        return (await _app.Referrals.ReferAsync(request)).Referral;
    }

    /// <summary>The record tells its team one-way: the caseload is read until the flag shows as expected.</summary>
    private async Task<bool> Flagged(string teamId, string clientId, bool expected)
    {
        var flagged = !expected;
        for (var i = 0; i < 50 && flagged != expected; i++)
        {
            if (i > 0) await Task.Delay(100);
            var caseload = await _app.Teams.GetCaseloadAsync(new GetCaseloadRequest { TeamId = teamId });
            flagged = caseload.Entries.Single(e => e.ClientId == clientId).Flags.Contains(CaseloadFlag.DetailsDiffer);
        }
        return flagged;
    }

    private static UpdateDemographicsRequest Update(
        string clientId, ClientDetails details, DemographicsSource source, string referralId = "") =>
        new()
        {
            RequestId = NewRequest(),
            ClientId = clientId,
            Details = details,
            Source = source,
            ReferralId = referralId,
        };

    [Fact]
    public async Task A_second_team_referring_a_client_on_another_caseload_does_not_change_what_the_clients_team_sees()
    {
        var (teamA, client, nhs, nurseOfA) = await ClientOnCaseload();
        var teamB = await _app.TeamWithNurses(2);

        var second = await Refer(teamB.TeamId, nhs, Margaret());

        Assert.Equal(client.ClientId, second.ClientId);
        var record = await Record(nurseOfA, client.ClientId);
        var details = record.Details;
        Assert.Equal(("Edith", "Testcase", "E3 2AB"), (details.GivenName, details.FamilyName, details.Postcode));
        var claim = record.Referrals.Single(r => r.ReferralId == second.ReferralId);
        Assert.Equal(teamB.TeamId, claim.TeamId);
        var claimed = claim.Details;
        Assert.Equal(("Margaret", "Pennyfeather", "E3 3QQ"), (claimed.GivenName, claimed.FamilyName, claimed.Postcode));
        Assert.True(claim.DetailsDiffer);
        Assert.Equal("", claim.SettledByEntryId);
        Assert.True(record.DetailsDifferFromReferral);
        Assert.True(await Flagged(teamA, client.ClientId, expected: true), "the difference never reached the caseload");
    }

    [Fact]
    public async Task A_referral_with_the_same_details_raises_no_difference()
    {
        var (teamA, client, nhs, nurseOfA) = await ClientOnCaseload();
        var same = Referral(teamA, nhs).Client;
        same.Postcode = "e32ab";
        same.GivenName = " Edith ";

        await Refer(teamA, nhs, same);

        var record = await Record(nurseOfA, client.ClientId);
        Assert.Equal(2, record.Referrals.Count);
        Assert.All(record.Referrals, r => Assert.False(r.DetailsDiffer));
        Assert.False(record.DetailsDifferFromReferral);
    }

    [Fact]
    public async Task A_nurse_of_the_team_confirms_a_referrals_new_address_as_an_attributed_entry_and_the_flag_clears()
    {
        var (teamA, client, nhs, nurseOfA) = await ClientOnCaseload();
        var moved = await Refer(teamA, nhs, EdithMoved());
        Assert.True(await Flagged(teamA, client.ClientId, expected: true), "the difference was never flagged");
        var update = Update(client.ClientId, EdithMoved(), DemographicsSource.ReferralConfirmed, moved.ReferralId);

        var confirmed = await nurseOfA.Records.UpdateDemographicsAsync(update);
        var retried = await nurseOfA.Records.UpdateDemographicsAsync(update);

        Assert.Equal("demographics_updated", confirmed.Entry.Kind);
        var nurseId = (await nurseOfA.Teams.GetTeamAsync(new GetTeamRequest { TeamId = teamA })).Team.Members[0].NurseId;
        Assert.Equal(nurseId, confirmed.Entry.RecordedBy);
        Assert.Contains("3 Malmesbury Road", confirmed.Entry.Summary, StringComparison.Ordinal);
        Assert.Equal(confirmed.Entry.EntryId, retried.Entry.EntryId);
        var record = await Record(nurseOfA, client.ClientId);
        Assert.Equal(("3 Malmesbury Road", "E3 2HG"), (record.Details.AddressLine, record.Details.Postcode));
        var settled = record.Referrals.Single(r => r.ReferralId == moved.ReferralId);
        Assert.Equal(confirmed.Entry.EntryId, settled.SettledByEntryId);
        Assert.False(record.DetailsDifferFromReferral);
        var history = (await nurseOfA.Records.GetHistoryAsync(new() { ClientId = client.ClientId })).Entries;
        Assert.Single(history, h => h.Kind == "demographics_updated");
        Assert.False(await Flagged(teamA, client.ClientId, expected: false), "the flag stayed after confirmation");
    }

    [Fact]
    public async Task Confirming_the_records_details_from_PDS_settles_a_referral_that_had_them_wrong()
    {
        var (teamA, client, nhs, nurseOfA) = await ClientOnCaseload();
        await Refer(teamA, nhs, Margaret());
        var asTheRecordHasThem = Referral(teamA, nhs).Client;
        var update = Update(client.ClientId, asTheRecordHasThem, DemographicsSource.PdsLookup);

        await nurseOfA.Records.UpdateDemographicsAsync(update);

        var record = await Record(nurseOfA, client.ClientId);
        Assert.Equal(("Edith", "Testcase"), (record.Details.GivenName, record.Details.FamilyName));
        Assert.False(record.DetailsDifferFromReferral);
        Assert.False(await Flagged(teamA, client.ClientId, expected: false), "the flag stayed after confirmation");
    }

    [Fact]
    public async Task Another_team_a_coach_and_the_out_of_hours_service_cannot_change_the_clients_details()
    {
        var (teamA, client, nhs, nurseOfA) = await ClientOnCaseload();
        var teamB = await _app.TeamWithNurses(2);
        var second = await Refer(teamB.TeamId, nhs, Margaret());
        var others = new[]
        {
            _app.As(new Caller(teamB.Members[0].NurseId, Role.Nurse, teamB.TeamId)),
            _app.As(new Caller("coach-cas", Role.Coach, teamA)),
            _app.As(new Caller("ooh-dan", Role.OutOfHours, null), "Night call: the client fell"),
        };

        foreach (var other in others)
        {
            var e = await Refused(() => other.Records.UpdateDemographicsAsync(
                Update(client.ClientId, Margaret(), DemographicsSource.ReferralConfirmed, second.ReferralId))
                .ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
            Assert.DoesNotContain("Pennyfeather", e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        }

        var record = await Record(nurseOfA, client.ClientId);
        Assert.Equal("Testcase", record.Details.FamilyName);
        Assert.True(record.DetailsDifferFromReferral);
    }

    public static TheoryData<string, StatusCode, string> BadUpdates => new()
    {
        { "a birth date in the future", StatusCode.InvalidArgument, "date of birth" },
        { "a birth date before 1900", StatusCode.InvalidArgument, "date of birth" },
        { "a malformed birth date", StatusCode.InvalidArgument, "date_of_birth" },
        { "a blank family name", StatusCode.InvalidArgument, "family name" },
        { "a malformed postcode", StatusCode.InvalidArgument, "postcode" },
        { "no details", StatusCode.InvalidArgument, "details" },
        { "no source", StatusCode.InvalidArgument, "source" },
        { "a referral confirmed without naming it", StatusCode.InvalidArgument, "referral" },
        { "a referral not on the record", StatusCode.NotFound, "referral" },
        { "details other than the referral's", StatusCode.InvalidArgument, "referral" },
    };

    [Theory]
    [MemberData(nameof(BadUpdates))]
    public async Task Details_that_fail_the_checks_are_refused_with_a_clear_status_and_change_nothing(
        string what, StatusCode code, string message)
    {
        var (teamA, client, nhs, nurseOfA) = await ClientOnCaseload();
        var claim = await Refer(teamA, nhs, EdithMoved());
        var update = Update(client.ClientId, EdithMoved(), DemographicsSource.PdsLookup);
        var future = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        switch (what)
        {
            case "a birth date in the future": update.Details.DateOfBirth = future; break;
            case "a birth date before 1900": update.Details.DateOfBirth = "1899-12-31"; break;
            case "a malformed birth date": update.Details.DateOfBirth = "12/04/1938"; break;
            case "a blank family name": update.Details.FamilyName = "  "; break;
            case "a malformed postcode": update.Details.Postcode = "NOT A CODE"; break;
            case "no details": update.Details = null; break;
            case "no source": update.Source = DemographicsSource.Unspecified; break;
            case "a referral confirmed without naming it": update.Source = DemographicsSource.ReferralConfirmed; break;
            case "a referral not on the record": update.ReferralId = "ref-nowhere"; break;
            case "details other than the referral's":
                (update.ReferralId, update.Details) = (claim.ReferralId, Margaret());
                break;
        }
        var before = await HistoryCount(nurseOfA, client.ClientId);

        var e = await Refused(() => nurseOfA.Records.UpdateDemographicsAsync(update).ResponseAsync);

        Assert.Equal(code, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Malmesbury", e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await HistoryCount(nurseOfA, client.ClientId));
        Assert.Equal("12 Roman Road", (await Record(nurseOfA, client.ClientId)).Details.AddressLine);
    }

    [Fact]
    public async Task Details_are_confirmed_only_for_a_client_on_the_teams_caseload()
    {
        var team = await _app.TeamWithNurses(2);
        var referred = (await _app.Referrals.ReferAsync(Referral(team.TeamId))).Referral;
        var nurse = _app.As(new Caller(team.Members[0].NurseId, Role.Nurse, team.TeamId));

        var e = await Refused(() => nurse.Records.UpdateDemographicsAsync(
            Update(referred.ClientId, EdithMoved(), DemographicsSource.ClientOrFamily)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("NOT_ON_CASELOAD", e.Trailers.GetValue("buurtzorg-reason"));
    }

    [Fact]
    public async Task A_difference_raised_while_the_client_is_on_no_caseload_is_flagged_to_the_team_that_admits_them()
    {
        var teamA = await _app.TeamWithNurses(2);
        var teamB = await _app.TeamWithNurses(2);
        var first = (await _app.Referrals.ReferAsync(Referral(teamA.TeamId))).Referral;
        var nhs = (await Record(_app.As(new Caller(teamA.Members[0].NurseId, Role.Nurse, teamA.TeamId)), first.ClientId)).NhsNumber;
        var second = await Refer(teamB.TeamId, nhs, EdithMoved());

        var admitted = await Admit(teamB.TeamId, second.ReferralId);

        Assert.True(await Flagged(teamB.TeamId, admitted.ClientId, expected: true), "the admitting team never saw it");
        var nurseOfB = _app.As(new Caller(teamB.Members[0].NurseId, Role.Nurse, teamB.TeamId));
        Assert.Equal("12 Roman Road", (await Record(nurseOfB, admitted.ClientId)).Details.AddressLine);
    }
}
