using System.Collections.Concurrent;

namespace Buurtzorg.Grains.Tests;

/// <summary>
/// The test side of <see cref="IStepFaults"/>: fails one team's next step once, at the point a test arms, with the
/// exception an outage, a timeout or a lost silo would raise. Keyed by team, so tests sharing the cluster never meet.
/// </summary>
public sealed class FailOnce : IStepFaults
{
    private readonly ConcurrentDictionary<(string Team, StepPoint Point), Exception> _armed = new();

    public void Arm(ITeamGrain team, StepPoint point, Exception failure) => _armed[(team.GetPrimaryKeyString(), point)] = failure;

    public ValueTask At(StepPoint point, string teamId, TeamStep step) =>
        _armed.TryRemove((teamId, point), out var failure) ? throw failure : ValueTask.CompletedTask;
}
