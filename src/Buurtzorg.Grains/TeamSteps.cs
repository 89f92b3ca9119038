using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Grains;

/// <summary>
/// A step on another grain that a team decision still has to take: recorded in the team's state (its outbox) in the
/// same write as the decision, taken, then recorded as done or, when the other grain refuses it, undone. Every step
/// is safe to take again: the record and the nurse answer a repeated entry id or team as the first time.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-step")]
public abstract record TeamStep
{
    /// <summary>Whether the step is about this client, referral or nurse: a decision about it finishes the step first.</summary>
    public abstract bool Concerns(string id);

    /// <summary>What the step is, never what it carries: a referral's details and a discharge summary are patient data.</summary>
    public sealed override string ToString() => GetType().Name;
}

/// <summary>A referral the team took in: the client's record receives it, then it joins the team's inbox.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-step.receive-referral")]
public sealed record ReceiveReferralStep([property: Id(0)] Referral Referral, [property: Id(1)] ReferralReceived Entry) : TeamStep
{
    public override bool Concerns(string id) => id == Referral.ReferralId || id == Referral.ClientId;
}

/// <summary>An admission the team decided: the record opens the episode (or refuses), then the client joins the caseload.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-step.open-episode")]
public sealed record OpenEpisodeStep(
    [property: Id(0)] string RequestId,
    [property: Id(1)] CaseloadEntry Admission,
    [property: Id(2)] EpisodeOpened Entry) : TeamStep
{
    public override bool Concerns(string id) => id == Admission.ReferralId || id == Admission.ClientId;
}

/// <summary>A discharge the team decided: the record closes the episode (or refuses), then the client leaves the caseload.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-step.close-episode")]
public sealed record CloseEpisodeStep(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string ClientId,
    [property: Id(2)] EpisodeClosed Entry) : TeamStep
{
    public override bool Concerns(string id) => id == ClientId;
}

/// <summary>A nurse joining: the nurse's grain agrees (one team at a time) or refuses, then the team lists her.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-step.join-team")]
public sealed record JoinTeamStep(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string NurseId,
    [property: Id(2)] DateTimeOffset At) : TeamStep
{
    public override bool Concerns(string id) => id == NurseId;
}

/// <summary>A nurse the team no longer lists (she left, or the team closed): her grain is told, so she may join another.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.team-step.leave-team")]
public sealed record LeaveTeamStep([property: Id(0)] string NurseId) : TeamStep
{
    public override bool Concerns(string id) => id == NurseId;
}

/// <summary>Where between a decision's writes a test may fail it.</summary>
public enum StepPoint
{
    /// <summary>The decision and its step are recorded; the other grain is not yet asked.</summary>
    Taking = 1,

    /// <summary>The other grain has taken the step; the team has not yet recorded it done.</summary>
    Taken,

    /// <summary>The other grain refused the step; the team has not yet recorded the decision undone.</summary>
    Undoing,
}

/// <summary>
/// A seam for tests only: consulted between the writes of a team's cross-grain steps, so that a test can fail a step
/// there (throw, as a database outage, a timeout or a lost silo would) and show that it still converges. Production
/// registers <see cref="NoStepFaults"/>, which never throws.
/// </summary>
public interface IStepFaults
{
    ValueTask At(StepPoint point, string teamId, TeamStep step);
}

/// <summary>The production seam: nothing fails on purpose.</summary>
public sealed class NoStepFaults : IStepFaults
{
    public ValueTask At(StepPoint point, string teamId, TeamStep step) => ValueTask.CompletedTask;
}
