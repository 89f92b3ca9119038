namespace Buurtzorg.Grains;

/// <summary>How the record's and the team's reminders run (configuration section <c>Buurtzorg:Reminders</c>).</summary>
public sealed class RecordReminderOptions
{
    public const string Section = "Buurtzorg:Reminders";

    /// <summary>The least wait before a reminder's first tick, also for dates already due.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a due flag is raised again until the team acts (a missed one-way message is repaired).</summary>
    public TimeSpan Recheck { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How often a team tries again the steps on other grains it has decided but not finished (an admission the record
    /// has not yet opened, a nurse not yet told she left), for as long as any is left.
    /// </summary>
    public TimeSpan StepRetry { get; set; } = TimeSpan.FromMinutes(1);
}
