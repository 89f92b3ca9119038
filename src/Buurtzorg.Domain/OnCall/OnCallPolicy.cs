using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.OnCall;

/// <summary>
/// When a team's night runs: 20:00–08:00 by default (the day team works 08:00–20:00), configurable per team. A night
/// always crosses midnight and is named by the date it starts on: the night of 3 March runs from 3 March 20:00 to
/// 4 March 08:00. Times are the organisation's local wall-clock time (see <see cref="CareTime"/>): across a change
/// of the clocks the night is an hour shorter (spring) or longer (autumn) than usual.
/// </summary>
public sealed record OnCallPolicy(TimeOnly NightStarts, TimeOnly NightEnds)
{
    public const int MinNightHours = 8;
    public const int MaxNightHours = 16;

    public static readonly OnCallPolicy Default = new(new TimeOnly(20, 0), new TimeOnly(8, 0));

    public OnCallPolicy Validated()
    {
        if (NightEnds >= NightStarts)
            throw CareRuleException.Invalid("The night starts in the evening and ends the next morning: its end must be earlier in the day than its start.");
        var hours = Length.TotalHours;
        if (hours is < MinNightHours or > MaxNightHours)
            throw CareRuleException.Invalid($"A night on call lasts {MinNightHours} to {MaxNightHours} hours.");
        return this;
    }

    public TimeSpan Length => TimeSpan.FromDays(1) - (NightStarts - NightEnds);

    /// <summary>The night a moment belongs to, or null when it falls in the day.</summary>
    public DateOnly? NightOf(DateTimeOffset at)
    {
        var time = CareTime.TimeOf(at);
        var date = CareTime.DateOf(at);
        if (time >= NightStarts) return date;
        if (time < NightEnds) return date.AddDays(-1);
        return null;
    }

    /// <summary>The night's start and end on the wall clock.</summary>
    public (DateTime Start, DateTime End) Bounds(DateOnly night) =>
        (night.ToDateTime(NightStarts), night.AddDays(1).ToDateTime(NightEnds));
}
