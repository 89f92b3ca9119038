using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains;
using Grpc.Core;

namespace Buurtzorg.Api;

internal sealed class ReferralApi(IGrainFactory grains, CareClock clock) : ReferralService.ReferralServiceBase
{
    private static ITeamGrain Team(IGrainFactory grains, string teamId) => grains.GetGrain<ITeamGrain>(Ids.Parse(teamId, "team_id"));

    public override async Task<ReferResponse> Refer(ReferRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(grains, request.TeamId);
        var needs = Wire.Enums<Domain.Common.Skill, V1.Skill>(request.Needs, "needs");
        if (needs.Count == 0) throw CareRuleException.Invalid("A referral names at least one need.");
        var command = new ReferCommand(
            Wire.Enum<Domain.Common.ReferralSource>((int)request.Source, "source"),
            NhsNumber.Parse(request.NhsNumber),
            Details(request.Client),
            needs,
            "referral");
        var referral = await team.Refer(requestId, command);
        return new ReferResponse { Referral = referral.ToProto(request.TeamId) };
    }

    public override async Task<ListReferralsResponse> ListReferrals(ListReferralsRequest request, ServerCallContext context)
    {
        var team = Team(grains, request.TeamId);
        var status = Wire.OptionalEnum<Domain.Teams.ReferralStatus>((int)request.Status, "status");
        var size = Paging.Size(request.PageSize, 100, 500);
        // The list is named with its status, so a token of one list is refused by another.
        var list = $"referrals{(int)request.Status}";
        var page = await team.Referrals(status, Paging.Cursor(request.PageToken, list), size);
        var response = new ListReferralsResponse { NextPageToken = Paging.Token(page.Next, list) };
        response.Referrals.AddRange(page.Items.Select(r => r.ToProto(request.TeamId)));
        return response;
    }

    public override async Task<AdmitResponse> Admit(AdmitRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(grains, request.TeamId);
        var referralId = Ids.Parse(request.ReferralId, "referral_id");
        var named = Wire.OptionalId(request.NamedNurseId, "named_nurse_id");
        var backup = Wire.OptionalId(request.BackupNurseId, "backup_nurse_id");
        if (named is null && backup is not null) throw CareRuleException.Invalid("A backup nurse is chosen together with a named nurse.");
        var entry = await team.Admit(requestId, referralId, named, backup);
        return new AdmitResponse { Entry = entry.ToProto() };
    }

    public override async Task<DeclineResponse> Decline(DeclineRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(grains, request.TeamId);
        var referralId = Ids.Parse(request.ReferralId, "referral_id");
        var reason = Wire.Enum<Domain.Teams.DeclineReason>((int)request.Reason, "reason");
        var referral = await team.Decline(requestId, referralId, reason);
        return new DeclineResponse { Referral = referral.ToProto(request.TeamId) };
    }

    public override async Task<DischargeResponse> Discharge(DischargeRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(grains, request.TeamId);
        var command = new DischargeCommand(
            Ids.Parse(request.ClientId, "client_id"),
            Wire.Enum<Domain.Records.DischargeReason>((int)request.Reason, "reason"),
            Text.Optional(request.Summary, "Discharge summary", Text.NoteMax, multiline: true),
            Wire.Bounded(request.FinalRatings, "final_ratings", 50).Select(r => new Grains.FinalRating(Ids.Parse(r.ProblemId, "problem_id"), RecordMapping.FromProto(r.Rating))).ToList(),
            Ids.Parse(request.RecordedBy, "recorded_by"));
        var at = await team.Discharge(requestId, command);
        return new DischargeResponse { ClientId = command.ClientId, DischargedAt = Wire.Instant(at) };
    }

    public override async Task<ReassignNamedNurseResponse> ReassignNamedNurse(ReassignNamedNurseRequest request, ServerCallContext context)
    {
        var requestId = Ids.RequestId(request.RequestId);
        var team = Team(grains, request.TeamId);
        var clientId = Ids.Parse(request.ClientId, "client_id");
        var named = Ids.Parse(request.NamedNurseId, "named_nurse_id");
        var backup = Wire.OptionalId(request.BackupNurseId, "backup_nurse_id");
        var entry = await team.Reassign(requestId, clientId, named, backup);
        return new ReassignNamedNurseResponse { Entry = entry.ToProto() };
    }

    private Demographics Details(ClientDetails? details)
    {
        if (details is null) throw CareRuleException.Invalid("client details are required.");
        var born = Wire.Date(details.DateOfBirth, "date_of_birth");
        var today = clock.Today;
        if (born > today || born.Year < 1900) throw CareRuleException.Invalid("date_of_birth must be a past date after 1900.");
        return new Demographics(
            Text.Required(details.GivenName, "Given name"),
            Text.Required(details.FamilyName, "Family name"),
            born,
            Text.Required(details.AddressLine, "Address"),
            Postcode.Parse(details.Postcode),
            Text.Optional(details.Phone, "Phone", 40));
    }
}
