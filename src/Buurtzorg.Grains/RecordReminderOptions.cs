namespace Buurtzorg.Grains;

/// <summary>How the record's reminders run (configuration section <c>Buurtzorg:Reminders</c>).</summary>
public sealed class RecordReminderOptions
{
    public const string Section = "Buurtzorg:Reminders";

    /// <summary>The least wait before a reminder's first tick, also for dates already due.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a due flag is raised again until the team acts (a missed one-way message is repaired).</summary>
    public TimeSpan Recheck { get; set; } = TimeSpan.FromDays(1);
}
