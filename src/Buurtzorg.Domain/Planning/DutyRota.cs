using System.Collections.Immutable;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.Planning;

/// <summary>
/// One member on duty on a day: how many minutes they work (visits plus travel) and between which times. Minutes
/// count only visits and travel, so a nurse may work a split day (a morning and an evening round) inside the span.
/// </summary>
public sealed record Duty(string NurseId, int Minutes, TimeOnly From, TimeOnly To)
{
    public const int MaxMinutes = 720;

    public static Duty AllDay(string nurseId, int minutes) => new(nurseId, minutes, ServiceHours.Opens, ServiceHours.Closes);
}

/// <summary>Who is on duty on a day. The team makes it; <see cref="Default"/> gives a first draft.</summary>
public sealed record DutyRota(DateOnly Day, ImmutableList<Duty> Duties)
{
    /// <summary>Contracted hours are spread over this many working days when no rota says otherwise.</summary>
    public const int WorkingDaysPerWeek = 5;

    /// <summary>
    /// A first draft: every member not on leave, for the whole service day, for their contracted hours over a five-day
    /// week (37.5 hours a week is 450 minutes a day).
    /// </summary>
    public static DutyRota Default(Team team, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(team);
        return Create(day, team.Members.Where(m => !m.IsOnLeave(day))
            .Select(m => Duty.AllDay(m.NurseId, DailyMinutes(m.HoursPerWeek))));
    }

    public static int DailyMinutes(decimal hoursPerWeek) =>
        (int)Math.Min(Duty.MaxMinutes, Math.Round(hoursPerWeek * 60m / WorkingDaysPerWeek, MidpointRounding.AwayFromZero));

    /// <summary>Checks a rota: one duty per nurse, inside service hours, with no more minutes than its span holds.</summary>
    public static DutyRota Create(DateOnly day, IEnumerable<Duty> duties)
    {
        ArgumentNullException.ThrowIfNull(duties);
        var list = duties.Select(Checked).OrderBy(d => d.NurseId, StringComparer.Ordinal).ToImmutableList();
        for (var i = 1; i < list.Count; i++)
            if (list[i].NurseId == list[i - 1].NurseId) throw CareRuleException.Invalid("A nurse is on the duty rota twice for the same day.");
        return new(day, list);
    }

    /// <summary>Checks the rota against the team: everyone on it must be a member. Leave is the planner's to respect.</summary>
    public DutyRota CheckedAgainst(Team team)
    {
        ArgumentNullException.ThrowIfNull(team);
        var checkedRota = Create(Day, Duties);
        if (checkedRota.Duties.Exists(d => team.Member(d.NurseId) is null))
            throw CareRuleException.Precondition("Someone on the duty rota is not a member of this team.", "NOT_A_MEMBER");
        return checkedRota;
    }

    public Duty? Of(string nurseId) => Duties.Find(d => d.NurseId == nurseId);

    private static Duty Checked(Duty duty)
    {
        ArgumentNullException.ThrowIfNull(duty);
        var id = Text.Required(duty.NurseId, "Nurse id on the duty rota", 64);
        if (duty.From < ServiceHours.Opens || duty.To > ServiceHours.Closes || duty.From >= duty.To)
            throw CareRuleException.Invalid($"A duty runs inside service hours ({ServiceHours.Opens:HH:mm}–{ServiceHours.Closes:HH:mm}) and ends after it starts.");
        var span = ServiceHours.MinuteOfDay(duty.To) - ServiceHours.MinuteOfDay(duty.From);
        if (duty.Minutes < 0 || duty.Minutes > span)
            throw CareRuleException.Invalid("A duty's minutes are between 0 and the length of its span.");
        return duty with { NurseId = id };
    }
}
