using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Planning;

/// <summary>Why a piece of care is due today.</summary>
public enum DueOrigin
{
    /// <summary>The care plan's frequency puts it on this day.</summary>
    Scheduled = 1,

    /// <summary>It was due on an earlier day and no visit recorded doing it.</summary>
    CarriedOver,

    /// <summary>The on-call nurse added a next-day visit when a client called in the night.</summary>
    NightCall,
}

/// <summary>One piece of care a visit is for: an intervention's occurrence, or a night call's follow-up.</summary>
public sealed record DueCare(DueOrigin Origin, string? InterventionId, string? CallId, DateOnly DueOn, int Minutes);

/// <summary>
/// A visit due on a day: one client, one concrete time window, the care it combines, how long it takes and every
/// skill it needs. It holds ids only, no patient data. The id is derived from the client, the day and the care, so the
/// same care plan always gives the same ids (and an app may record the visit under it).
/// </summary>
public sealed record DueVisit(
    string VisitId,
    string ClientId,
    DateOnly Day,
    TimeWindow Window,
    TimeOnly WindowStart,
    TimeOnly WindowEnd,
    int DurationMinutes,
    ImmutableSortedSet<Skill> Skills,
    ImmutableList<DueCare> Care)
{
    [JsonIgnore]
    public bool IsCarriedOver => Care.Exists(c => c.Origin == DueOrigin.CarriedOver);

    [JsonIgnore]
    public bool IsFromNightCall => Care.Exists(c => c.Origin == DueOrigin.NightCall);

    [JsonIgnore]
    public int WindowMinutes => ServiceHours.MinuteOfDay(WindowEnd) - ServiceHours.MinuteOfDay(WindowStart);

    public override string ToString() => $"Due visit {VisitId}";
}
