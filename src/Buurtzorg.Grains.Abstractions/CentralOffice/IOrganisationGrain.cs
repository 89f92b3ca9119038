using Buurtzorg.Domain.CentralOffice;

namespace Buurtzorg.Grains;

/// <summary>
/// The central office's view of the organisation (one grain, key <see cref="Key"/>): the latest figures every team
/// published, its region and open alerts. Reads answer from memory, never by asking a team.
/// </summary>
[Alias("buurtzorg.organisation")]
public interface IOrganisationGrain : IGrainWithStringKey
{
    public const string Key = "org";

    /// <summary>A team's latest figures. One-way, so a team never waits on the central office.</summary>
    [Orleans.Concurrency.OneWay, Alias("publish")] Task Publish(TeamFigures figures);

    [Alias("overview")] Task<OrganisationOverview> Overview();

    [Alias("teams")] Task<TeamPage> Teams(TeamQuery query);

    [Alias("team")] Task<TeamRow?> Team(string teamId);

    [Alias("alerts")] Task<IReadOnlyList<Alert>> Alerts(string? region);

    /// <summary>Puts a team in a region (by default the letters of its first postcode district: E, IP, …).</summary>
    [Alias("assign-region")] Task<TeamRow> AssignRegion(string teamId, string region);

    /// <summary>
    /// The changes after <paramref name="version"/>, waiting up to <paramref name="wait"/> for one. A watcher that
    /// fell behind or whose epoch has gone (the grain was reactivated) gets <see cref="ChangeBatch.Reset"/> and starts over.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("changes")] Task<ChangeBatch> Changes(Guid epoch, long version, TimeSpan wait);
}

/// <summary>Each team's figures by day (key: team id), kept for the last <see cref="DaysKept"/> days.</summary>
[Alias("buurtzorg.team-history")]
public interface ITeamHistoryGrain : IGrainWithStringKey
{
    public const int DaysKept = 400;

    [Orleans.Concurrency.OneWay, Alias("record")] Task Record(TeamFigures figures);

    [Alias("days")] Task<IReadOnlyList<DayFigures>> Days(int count);
}

/// <summary>One month of one team's day figures, a step of <see cref="ITeamHistoryGrain"/> only.</summary>
[Alias("buurtzorg.team-month")]
public interface ITeamMonthGrain : IGrainWithStringKey
{
    public static string Key(string teamId, DateOnly month) =>
        $"{teamId}/{month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A day's figures: replaces that day's, or follows the month's latest; an earlier day is ignored.</summary>
    [Alias("record")] Task Record(DayFigures day);

    [Alias("days")] Task<IReadOnlyList<DayFigures>> Days();

    /// <summary>The month has left the window kept: its row goes.</summary>
    [Alias("forget")] Task Forget();
}

/// <summary>A team's row of the organisation's figures (key: team id), a step of <see cref="IOrganisationGrain"/> only.</summary>
[Alias("buurtzorg.team-figures")]
public interface ITeamFiguresGrain : IGrainWithStringKey
{
    [Alias("store")] Task Store(StoredTeamFigures row);

    [Alias("get")] Task<StoredTeamFigures?> Get();
}

[GenerateSerializer, Immutable, Alias("buurtzorg.stored-team-figures")]
public sealed record StoredTeamFigures(
    [property: Id(0)] TeamFigures Figures,
    [property: Id(1)] System.Collections.Immutable.ImmutableList<Alert> Alerts,
    [property: Id(2)] string? Region);

[GenerateSerializer, Immutable, Alias("buurtzorg.team-row")]
public sealed record TeamRow(
    [property: Id(0)] TeamFigures Figures,
    [property: Id(1)] string Region,
    [property: Id(2)] IReadOnlyList<Alert> Alerts);

[GenerateSerializer, Immutable, Alias("buurtzorg.organisation-overview")]
public sealed record OrganisationOverview(
    [property: Id(0)] OrganisationTotals Organisation,
    [property: Id(1)] IReadOnlyList<OrganisationTotals> Regions,
    [property: Id(2)] DateTimeOffset AsOf);

[GenerateSerializer, Immutable, Alias("buurtzorg.team-query")]
public sealed record TeamQuery(
    [property: Id(0)] string SortBy,
    [property: Id(1)] bool Descending,
    [property: Id(2)] int Offset,
    [property: Id(3)] int Limit,
    [property: Id(4)] string? Region,
    [property: Id(5)] AlertKind? Alert);

[GenerateSerializer, Immutable, Alias("buurtzorg.team-page")]
public sealed record TeamPage([property: Id(0)] IReadOnlyList<TeamRow> Rows, [property: Id(1)] int Total);

[GenerateSerializer, Immutable, Alias("buurtzorg.organisation-change")]
public sealed record OrganisationChange(
    [property: Id(0)] long Version,
    [property: Id(1)] TeamRow Row,
    [property: Id(2)] IReadOnlyList<Alert> Raised,
    [property: Id(3)] IReadOnlyList<Alert> Cleared);

[GenerateSerializer, Immutable, Alias("buurtzorg.change-batch")]
public sealed record ChangeBatch(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version,
    [property: Id(2)] bool Reset,
    [property: Id(3)] IReadOnlyList<OrganisationChange> Changes);

[GenerateSerializer, Immutable, Alias("buurtzorg.day-figures")]
public sealed record DayFigures([property: Id(0)] DateOnly Day, [property: Id(1)] TeamFigures Figures);
