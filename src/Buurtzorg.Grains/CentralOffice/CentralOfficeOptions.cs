using Buurtzorg.Domain.CentralOffice;

namespace Buurtzorg.Grains;

/// <summary>Configuration section <c>CentralOffice</c>: how teams publish their figures, and the alert thresholds.</summary>
public sealed class CentralOfficeOptions
{
    public const string Section = "CentralOffice";

    /// <summary>A team publishes at most this long after a change, however many changes come meanwhile.</summary>
    public TimeSpan PublishDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often an active team publishes again with the night's calls counted afresh (from its on-call book). The
    /// clients' care needs no refresh: each client reports it to its team as it changes.
    /// </summary>
    public TimeSpan CareRefresh { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At most how long a team keeps its clients' care reports in memory before writing them, when no other write
    /// takes them sooner: one write per delay however many visits land meanwhile.
    /// </summary>
    public TimeSpan CareWriteDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the organisation keeps changes in memory before writing them (write-behind).</summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromSeconds(2);

    public AlertThresholds Alerts { get; set; } = AlertThresholds.Default;
}
