using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains;

/// <summary>Which operation each grain method is, for the access rules; null marks a step only grains take for each other.</summary>
internal static class AccessRules
{
    private static readonly Dictionary<(Type, string), Operation?> Methods = new()
    {
        [(typeof(ITeamGrain), nameof(ITeamGrain.Apply))] = Operation.ApplyTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Approve))] = Operation.GovernTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Close))] = Operation.GovernTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Get))] = Operation.ReadTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Referrals))] = Operation.ReadCaseload,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Continuity))] = Operation.ReadContinuity,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Join))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Leave))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.SetPolicy))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.StartLeave))] = Operation.ManageLeave,
        [(typeof(ITeamGrain), nameof(ITeamGrain.EndLeave))] = Operation.ManageLeave,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Refer))] = Operation.Refer,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Admit))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Decline))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Discharge))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Reassign))] = Operation.ManageTeam,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Flag))] = null,
        [(typeof(ITeamGrain), nameof(ITeamGrain.ClientCareChanged))] = null,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Caseload))] = Operation.ReadCaseload,
        [(typeof(ITeamGrain), nameof(ITeamGrain.Changes))] = Operation.ReadCaseload,
        [(typeof(ITeamGrain), nameof(ITeamGrain.OfflineWritten))] = Operation.WriteRecord,
        [(typeof(ITeamGrain), nameof(ITeamGrain.IsMember))] = null,
        [(typeof(INurseGrain), nameof(INurseGrain.Register))] = Operation.RegisterNurse,
        [(typeof(INurseGrain), nameof(INurseGrain.Get))] = Operation.ReadNurse,
        [(typeof(INurseGrain), nameof(INurseGrain.JoinTeam))] = null,
        [(typeof(INurseGrain), nameof(INurseGrain.LeaveTeam))] = null,
        [(typeof(IClientGrain), nameof(IClientGrain.Get))] = Operation.ReadRecord,
        [(typeof(IClientGrain), nameof(IClientGrain.History))] = Operation.ReadRecord,
        [(typeof(IClientGrain), nameof(IClientGrain.Entry))] = Operation.WriteRecord,
        [(typeof(IClientGrain), nameof(IClientGrain.Accesses))] = Operation.ReadAudit,
        [(typeof(IClientGrain), nameof(IClientGrain.Append))] = Operation.WriteRecord,
        [(typeof(IClientGrain), nameof(IClientGrain.AppendOffline))] = Operation.WriteRecord,
        [(typeof(IClientGrain), nameof(IClientGrain.ReceiveReferral))] = null,
        [(typeof(IClientGrain), nameof(IClientGrain.OpenEpisode))] = null,
        [(typeof(IClientGrain), nameof(IClientGrain.CloseEpisode))] = null,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.Publish))] = null,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.Overview))] = Operation.ReadOrganisation,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.Teams))] = Operation.ReadOrganisation,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.Team))] = Operation.ReadOrganisation,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.Alerts))] = Operation.ReadOrganisation,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.Changes))] = Operation.ReadOrganisation,
        [(typeof(IOrganisationGrain), nameof(IOrganisationGrain.AssignRegion))] = Operation.GovernTeam,
        [(typeof(ITeamHistoryGrain), nameof(ITeamHistoryGrain.Record))] = null,
        [(typeof(ITeamHistoryGrain), nameof(ITeamHistoryGrain.Days))] = Operation.ReadOrganisation,
        [(typeof(ITeamMonthGrain), nameof(ITeamMonthGrain.Record))] = null,
        [(typeof(ITeamMonthGrain), nameof(ITeamMonthGrain.Days))] = null,
        [(typeof(ITeamMonthGrain), nameof(ITeamMonthGrain.Forget))] = null,
        [(typeof(ITeamFiguresGrain), nameof(ITeamFiguresGrain.Store))] = null,
        [(typeof(ITeamFiguresGrain), nameof(ITeamFiguresGrain.Get))] = null,
        [(typeof(IClientGrain), nameof(IClientGrain.Day))] = null,
        [(typeof(ITeamDayGrain), nameof(ITeamDayGrain.VisitsDue))] = Operation.ReadCaseload,
        [(typeof(ITeamDayGrain), nameof(ITeamDayGrain.Get))] = Operation.ReadCaseload,
        [(typeof(ITeamDayGrain), nameof(ITeamDayGrain.NextVisits))] = Operation.ReadCaseload,
        [(typeof(ITeamDayGrain), nameof(ITeamDayGrain.MyDay))] = Operation.ReadRecord,
        [(typeof(IClientGrain), nameof(IClientGrain.Sheet))] = null,
        [(typeof(ITeamDayGrain), nameof(ITeamDayGrain.Review))] = Operation.ManageTeam,
        [(typeof(ITeamDayGrain), nameof(ITeamDayGrain.Reassign))] = Operation.ManageTeam,
        [(typeof(IOnCallGrain), nameof(IOnCallGrain.Rota))] = Operation.ReadCaseload,
        [(typeof(IOnCallGrain), nameof(IOnCallGrain.Review))] = Operation.ReadCaseload,
        [(typeof(IOnCallGrain), nameof(IOnCallGrain.AssignNight))] = Operation.ManageTeam,
        [(typeof(IOnCallGrain), nameof(IOnCallGrain.LogCall))] = Operation.ManageTeam,
        [(typeof(IOnCallGrain), nameof(IOnCallGrain.CallsSince))] = null,
        [(typeof(INhsIndexGrain), nameof(INhsIndexGrain.Resolve))] = null,
        // Which record an NHS number is: the role may read records; the record it leads to checks the team.
        [(typeof(INhsIndexGrain), nameof(INhsIndexGrain.Find))] = Operation.ReadRecord,
        [(typeof(ITeamDirectoryGrain), nameof(ITeamDirectoryGrain.List))] = null,
        [(typeof(ITeamDirectoryGrain), nameof(ITeamDirectoryGrain.Unlist))] = null,
        // Which team a referral goes to: the team grain checks the referral itself.
        [(typeof(ITeamDirectoryGrain), nameof(ITeamDirectoryGrain.TeamFor))] = Operation.Refer,
    };

    /// <summary>
    /// Lookups that lead to a team's data without being any team's: the role is checked here, the team by the grain the
    /// lookup leads to (as the gRPC layer does for a request that names no team).
    /// </summary>
    private static readonly HashSet<(Type, string)> Lookups =
    [
        (typeof(INhsIndexGrain), nameof(INhsIndexGrain.Find)),
        (typeof(ITeamDirectoryGrain), nameof(ITeamDirectoryGrain.TeamFor)),
    ];

    private static readonly HashSet<Type> Governed = Methods.Keys.Select(k => k.Item1).ToHashSet();

    public static bool Governs(Type grainInterface) => Governed.Contains(grainInterface);

    /// <summary>The operation a call performs; an unlisted method of a governed grain is refused, never let through.</summary>
    public static bool TryGet(Type grainInterface, string method, out Operation? operation) =>
        Methods.TryGetValue((grainInterface, method), out operation);

    public static bool IsLookup(Type grainInterface, string method) => Lookups.Contains((grainInterface, method));

    /// <summary>An out-of-hours visit is its own operation: the out-of-hours role may record it, and nothing else.</summary>
    public static Operation Refine(Operation operation, object? argument) =>
        operation == Operation.WriteRecord && argument is VisitRecorded { OutOfHours: true } ? Operation.RecordOutOfHoursVisit : operation;
}
