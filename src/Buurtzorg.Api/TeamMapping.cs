using Buurtzorg.Api.V1;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;
using DomainTeam = Buurtzorg.Domain.Teams.Team;

namespace Buurtzorg.Api;

/// <summary>Domain teams, members, caseloads and referrals as the wire shows them.</summary>
public static class TeamMapping
{
    public static V1.Team ToProto(this DomainTeam team, DateOnly today)
    {
        var proto = new V1.Team
        {
            TeamId = team.Id,
            Name = team.Name,
            Status = Wire.ToProto<V1.TeamStatus>(team.Status),
            CapacityPolicy = team.Policy.ToProto(),
            CaseloadCount = team.Caseload.Count,
            Capacity = team.Capacity,
            FullTimeEquivalents = (double)Math.Round(team.FullTimeEquivalents, 2),
            SplitSuggested = team.SplitSuggested,
            BelowSafeStaffing = team.BelowSafeStaffing,
            ReferralsWaiting = team.Referrals.Count(r => r.Status == Domain.Teams.ReferralStatus.Waiting),
            AppliedAt = Wire.Instant(team.AppliedAt),
        };
        proto.Footprint.AddRange(team.Footprint.Select(a => a.Value));
        proto.GpPractices.AddRange(team.GpPractices);
        proto.Members.AddRange(team.Members.Select(m => m.ToProto(team, today)));
        return proto;
    }

    public static V1.TeamMember ToProto(this Domain.Teams.TeamMember member, DomainTeam team, DateOnly today)
    {
        var proto = new V1.TeamMember
        {
            NurseId = member.NurseId,
            DisplayName = member.DisplayName,
            Role = Wire.ToProto<V1.NurseRole>(member.Role),
            ContractedHoursPerWeek = (double)member.HoursPerWeek,
            JoinedAt = Wire.Instant(member.JoinedAt),
            OnLeaveToday = member.IsOnLeave(today),
            NamedClients = team.Caseload.Count(c => c.NamedNurseId == member.NurseId),
            BackupClients = team.Caseload.Count(c => c.BackupNurseId == member.NurseId),
        };
        proto.Skills.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(member.Skills));
        proto.Leave.AddRange(member.Leave.Select(ToProto));
        return proto;
    }

    public static V1.LeavePeriod ToProto(this Domain.Teams.LeavePeriod period) =>
        new() { StartDate = Wire.Date(period.Start), EndDate = Wire.Date(period.End), Reason = period.Reason ?? "" };

    public static Domain.Teams.LeavePeriod FromProto(V1.LeavePeriod? period)
    {
        if (period is null) throw CareRuleException.Invalid("period is required.");
        return new Domain.Teams.LeavePeriod(Wire.Date(period.StartDate, "start_date"), Wire.Date(period.EndDate, "end_date"),
            Text.Optional(period.Reason, "Leave reason"));
    }

    public static V1.CapacityPolicy ToProto(this Domain.Teams.CapacityPolicy policy) => new()
    {
        MaxClients = policy.MaxClients,
        MaxClientsPerFte = (double)policy.MaxClientsPerFte,
        SplitSuggestedAboveMembers = policy.SplitSuggestedAboveMembers,
        MinMembersForSafeStaffing = policy.MinMembersForSafeStaffing,
        FullTimeHours = (double)policy.FullTimeHours,
    };

    public static Domain.Teams.CapacityPolicy FromProto(V1.CapacityPolicy policy) => new Domain.Teams.CapacityPolicy(
        policy.MaxClients,
        Wire.Hours(policy.MaxClientsPerFte, "max_clients_per_fte"),
        policy.SplitSuggestedAboveMembers,
        policy.MinMembersForSafeStaffing,
        Wire.Hours(policy.FullTimeHours, "full_time_hours")).Validated();

    /// <summary>An entry as the team's own nurses read it: with the client's card and next planned visit.</summary>
    public static V1.CaseloadEntry ToProto(this Grains.CaseloadItem item, DateOnly today, Domain.Planning.PlannedVisit? next)
    {
        ArgumentNullException.ThrowIfNull(item);
        var proto = item.Entry.ToProto();
        if (item.Card is { } card)
        {
            (proto.DisplayName, proto.Postcode, proto.AddressLine) = (card.DisplayName, card.Postcode, card.AddressLine);
            proto.Age = card.AgeOn(today);
        }
        if (next is not null)
        {
            proto.NextVisit = new NextVisit
            {
                VisitId = next.Visit.VisitId,
                Day = Wire.Date(next.Visit.Day),
                Start = Wire.Time(next.Start),
                NurseId = next.NurseId,
            };
        }
        return proto;
    }

    public static V1.CaseloadEntry ToProto(this Domain.Teams.CaseloadEntry entry)
    {
        var proto = new V1.CaseloadEntry
        {
            ClientId = entry.ClientId,
            ReferralId = entry.ReferralId,
            NamedNurseId = entry.NamedNurseId,
            BackupNurseId = entry.BackupNurseId ?? "",
            AdmittedAt = Wire.Instant(entry.AdmittedAt),
        };
        proto.Needs.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(entry.Needs));
        proto.Flags.AddRange(Wire.ToProto<V1.CaseloadFlag, Domain.Teams.CaseloadFlag>(entry.ActiveFlags));
        return proto;
    }

    public static V1.Handover ToProto(this Domain.Teams.Handover handover) => new()
    {
        ClientId = handover.ClientId,
        PreviousNamedNurseId = handover.PreviousNamedNurseId,
        NamedNurseId = handover.NamedNurseId,
        PreviousBackupNurseId = handover.PreviousBackupNurseId ?? "",
        BackupNurseId = handover.BackupNurseId ?? "",
    };

    public static V1.Referral ToProto(this Domain.Teams.Referral referral, string teamId)
    {
        var proto = new V1.Referral
        {
            ReferralId = referral.ReferralId,
            TeamId = teamId,
            ClientId = referral.ClientId,
            Source = Wire.ToProto<V1.ReferralSource>(referral.Source),
            PostcodeSector = referral.PostcodeSector,
            ReceivedAt = Wire.Instant(referral.ReceivedAt),
            Status = Wire.ToProto<V1.ReferralStatus>(referral.Status),
            DeclineReason = referral.DeclineReason is { } reason ? Wire.ToProto<V1.DeclineReason>(reason) : V1.DeclineReason.Unspecified,
            DecidedAt = Wire.Instant(referral.DecidedAt),
        };
        proto.Needs.AddRange(Wire.ToProto<V1.Skill, Domain.Common.Skill>(referral.Needs));
        return proto;
    }
}
