using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Grains;

/// <summary>
/// The team (key: team id): the one writer of membership, capacity, admission and named-nurse decisions. Cross-grain
/// steps start here and converge when retried with the same request id.
/// </summary>
[Alias("buurtzorg.team")]
public interface ITeamGrain : IGrainWithStringKey
{
    [Alias("apply")] Task<Team> Apply(string requestId, ApplyTeamCommand command);
    [Alias("approve")] Task<Team> Approve(string requestId);
    [Alias("close")] Task<Team> Close(string requestId);
    [Alias("get")] Task<Team> Get();
    [Alias("join")] Task<Team> Join(string requestId, string nurseId);
    [Alias("leave")] Task<(Team Team, Departure Departure)> Leave(string requestId, string nurseId);
    [Alias("set-policy")] Task<Team> SetPolicy(string requestId, CapacityPolicy policy);
    [Alias("start-leave")] Task<(Team Team, IReadOnlyList<Handover> Handovers)> StartLeave(string requestId, string nurseId, LeavePeriod period);
    [Alias("end-leave")] Task<Team> EndLeave(string requestId, string nurseId);
    [Alias("refer")] Task<Referral> Refer(string requestId, ReferCommand command);
    /// <summary>The inbox, oldest first (by when the team received each), a page at a time.</summary>
    [Alias("referrals")] Task<Page<Referral>> Referrals(ReferralStatus? status, ListCursor? after, int limit);
    [Alias("admit")] Task<CaseloadEntry> Admit(string requestId, string referralId, string? namedNurseId, string? backupNurseId);
    [Alias("decline")] Task<Referral> Decline(string requestId, string referralId, DeclineReason reason);
    [Alias("discharge")] Task<DateTimeOffset> Discharge(string requestId, DischargeCommand command);
    [Alias("reassign")] Task<CaseloadEntry> Reassign(string requestId, string clientId, string namedNurseId, string? backupNurseId);
    [Alias("continuity")] Task<TeamContinuity> Continuity();

    /// <summary>
    /// A client's record raises or clears a flag on the caseload. One-way, so a record never waits on its team (the
    /// team calls records, and two grains waiting on each other would deadlock); the record's reminder repeats it.
    /// </summary>
    [Orleans.Concurrency.OneWay, Alias("flag")] Task Flag(string clientId, CaseloadFlag flag, bool raised);

    /// <summary>
    /// A client's record tells its team what its open episode's care now is (visits by nurse, minutes; ids only), and
    /// the client's card for the caseload list, after each entry that changed either, so the team's continuity, figures
    /// and caseload list never need to ask (nor activate) a record. <paramref name="version"/> orders the reports of
    /// one record (its journal position): an older one is ignored. One-way for the same reason as <see cref="Flag"/>;
    /// each report carries the whole summary and card, so one lost is made good by the next.
    /// </summary>
    [Orleans.Concurrency.OneWay, Alias("client-care-changed")]
    Task ClientCareChanged(string clientId, long version, Domain.CentralOffice.EpisodeCare? care, ClientCard? card);

    /// <summary>
    /// The caseload for the team's own nurses, oldest admission first, a page at a time, each client with the card
    /// its record last reported (patient-identifiable: never for the central office or another team).
    /// </summary>
    [Alias("caseload")] Task<CaseloadPage> Caseload(ListCursor? after, int limit);

    /// <summary>
    /// What changed on the caseload, its records and the members since <paramref name="since"/> (a position this log
    /// gave; null: everything), in the order the changes were made, a page at a time (for the team's own nurses).
    /// </summary>
    [Alias("changes")] Task<CaseloadChanges> Changes(long? since, ListCursor? after, int limit);

    /// <summary>
    /// An offline write by <paramref name="nurseId"/>, made at <paramref name="at"/>, reached the client's record,
    /// which found it met a changed care plan or not (<paramref name="recordConflict"/>). Raises
    /// <see cref="CaseloadFlag.OfflineConflict"/> when it did, or when the client had passed from that nurse to
    /// another named nurse before the write was made; answers whether it raised it.
    /// </summary>
    [Alias("offline-written")] Task<bool> OfflineWritten(string clientId, string nurseId, DateTimeOffset at, bool recordConflict);

    /// <summary>
    /// Whether a nurse is a current member (null: no team has this id), asked by the access rules of the team's other
    /// grains on each call a nurse makes. Interleaved and read-only: the team calls client records (admitting,
    /// continuity) while a record may be asking it this, and neither must wait on the other.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave, Orleans.Concurrency.ReadOnly, Alias("is-member")]
    Task<bool?> IsMember(string nurseId);
}

[GenerateSerializer, Immutable, Alias("buurtzorg.apply-team")]
public sealed record ApplyTeamCommand(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<PostcodeArea> Footprint,
    [property: Id(2)] IReadOnlyList<string> GpPractices,
    [property: Id(3)] CapacityPolicy? Policy);

/// <summary>A referral as it reaches the team. The details go to the client's record; the team keeps the sector.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.refer")]
public sealed record ReferCommand(
    [property: Id(0)] ReferralSource Source,
    [property: Id(1)] NhsNumber NhsNumber,
    [property: Id(2)] Demographics Details,
    [property: Id(3)] IReadOnlyList<Skill> Needs,
    [property: Id(4)] string RecordedBy)
{
    /// <summary>Carries patient details: printing it shows none.</summary>
    public override string ToString() => $"Referral from {Source}";
}

[GenerateSerializer, Immutable, Alias("buurtzorg.discharge")]
public sealed record DischargeCommand(
    [property: Id(0)] string ClientId,
    [property: Id(1)] DischargeReason Reason,
    [property: Id(2)] string? Summary,
    [property: Id(3)] IReadOnlyList<FinalRating> FinalRatings,
    [property: Id(4)] string RecordedBy)
{
    /// <summary>The summary is clinical text: printing the command shows none of it.</summary>
    public override string ToString() => $"Discharge of {ClientId} ({Reason})";
}

[GenerateSerializer, Immutable, Alias("buurtzorg.final-rating")]
public sealed record FinalRating([property: Id(0)] string ProblemId, [property: Id(1)] OutcomeRating Rating);

[GenerateSerializer, Immutable, Alias("buurtzorg.client-continuity")]
public sealed record ClientContinuity(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string NamedNurseId,
    [property: Id(2)] int Visits,
    [property: Id(3)] double? Upc,
    [property: Id(4)] double? Coc,
    [property: Id(5)] double? NamedNurseShare);

[GenerateSerializer, Immutable, Alias("buurtzorg.team-continuity")]
public sealed record TeamContinuity(
    [property: Id(0)] IReadOnlyList<ClientContinuity> Clients,
    [property: Id(1)] double? MedianUpc,
    [property: Id(2)] double? MedianCoc);
