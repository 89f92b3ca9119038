namespace Buurtzorg.Domain.Records;

/// <summary>
/// Whether a write made offline met a care plan that had changed before the write was made: a visit doing an
/// intervention stopped before the visit started, a rating or goal about a problem resolved on or before its day. A
/// write made before the change is simply valid. Either way the write is kept (the nurse did visit); a conflict is
/// raised to the team.
/// </summary>
public static class OfflineConflict
{
    /// <summary>
    /// Whether the entry names plan items no longer active on <paramref name="present"/> (the record before it), so that
    /// the history must be read to tell when they stopped. False for nearly every write.
    /// </summary>
    public static bool NeedsHistory(CareRecord present, RecordEntry entry)
    {
        ArgumentNullException.ThrowIfNull(present);
        return entry switch
        {
            VisitRecorded v => v.InterventionsDone.Exists(id => !present.Interventions.Exists(i => i.InterventionId == id)),
            RatingRecorded r => present.ActiveProblem(r.ProblemId) is null,
            GoalAgreed g => present.ActiveProblem(g.ProblemId) is null,
            _ => false,
        };
    }

    /// <summary>Whether a change in <paramref name="history"/> to what the entry names came before the entry happened.</summary>
    public static bool MetChangedPlan(RecordEntry entry, IEnumerable<RecordEntry> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var changes = history.ToList();
        return entry switch
        {
            VisitRecorded v => changes.OfType<InterventionStopped>()
                .Any(s => v.InterventionsDone.Contains(s.InterventionId) && s.At <= v.Start),
            RatingRecorded r => ResolvedBy(changes, r.ProblemId, r.RatedOn),
            GoalAgreed g => ResolvedBy(changes, g.ProblemId, g.AgreedOn),
            _ => false,
        };
    }

    private static bool ResolvedBy(List<RecordEntry> history, string problemId, DateOnly day) =>
        history.OfType<ProblemResolved>().Any(r => r.ProblemId == problemId && Common.CareTime.DateOf(r.At) <= day);
}
