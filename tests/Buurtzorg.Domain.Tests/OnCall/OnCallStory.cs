using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.OnCall;
using Buurtzorg.Domain.Teams;
using static Buurtzorg.Domain.Tests.Planning.PlanningStory;

namespace Buurtzorg.Domain.Tests.OnCall;

/// <summary>The Bow team's nights: Anna on call on Monday night, Bea on leave from Wednesday, two clients.</summary>
internal static class OnCallStory
{
    public const string CallNote = "Daughter worried, pain 7/10 after fall, keysafe 4711";

    public static Team Team() => TeamOf(
        [Nurse("anna", Skill.WoundCare), Nurse("bea", Skill.WoundCare).OnLeave(Monday.AddDays(2), Monday.AddDays(4)), Assistant("ali")],
        Client("c1", "anna", "bea"), Client("c2", "bea", "anna"));

    /// <summary>A book with Anna on call on Monday night.</summary>
    public static OnCallBook Book() => OnCallBook.Create("team-bow").AssignNight(Team(), Monday, "anna", "bea", SundayEvening);

    public static OnCallBook Log(this OnCallBook book, string callId, DateTimeOffset at, string clientId = "c1",
        TriageOutcome outcome = TriageOutcome.AdviceGiven, string nurseId = "anna", NextDayVisitRequest? nextDayVisit = null,
        DateTimeOffset? now = null) =>
        book.LogCall(Team(), callId, at, clientId, nurseId, outcome, CallNote, now ?? at, nextDayVisit);
}
