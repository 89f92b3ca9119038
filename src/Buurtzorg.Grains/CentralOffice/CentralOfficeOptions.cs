using Buurtzorg.Domain.CentralOffice;

namespace Buurtzorg.Grains;

/// <summary>Configuration section <c>CentralOffice</c>: how teams publish their figures, and the alert thresholds.</summary>
public sealed class CentralOfficeOptions
{
    public const string Section = "CentralOffice";

    /// <summary>A team publishes at most this long after a change, however many changes come meanwhile.</summary>
    public TimeSpan PublishDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often an active team gathers its clients' visit summaries (continuity, direct care): they change with every
    /// visit, which the team does not see, so it asks its own clients now and then, never the central office all teams.
    /// </summary>
    public TimeSpan CareRefresh { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the organisation keeps changes in memory before writing them (write-behind).</summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromSeconds(2);

    public AlertThresholds Alerts { get; set; } = AlertThresholds.Default;
}
