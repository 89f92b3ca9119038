using System.Collections.Immutable;
using Buurtzorg.Domain.Records;

namespace Buurtzorg.Fhir;

/// <summary>
/// The record's current reading, episode by episode, from its whole history: what an export shows. The record's own
/// fold keeps the present only (the open episode's care plan, recent visits); an export needs every episode with its
/// care plan, every rating and every visit. Corrections are read as the fold reads them: a corrected entry in its
/// latest replacement (marked <see cref="Read{T}.Correction"/>), a struck entry not at all.
/// </summary>
internal sealed class RecordReading
{
    private readonly List<EpisodeReading> episodes = [];
    private readonly Dictionary<string, Read<NetworkMemberAdded>> network = new(StringComparer.Ordinal);

    private RecordReading()
    {
    }

    public IReadOnlyList<EpisodeReading> Episodes => episodes;

    /// <summary>The network as it stands (removed members left out), in the order first added.</summary>
    public IReadOnlyCollection<Read<NetworkMemberAdded>> Network => network.Values;

    public static RecordReading Of(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reading = new RecordReading();
        EpisodeReading? open = null;
        foreach (var original in record.History)
        {
            if (original is Correction) continue;
            var correction = record.CorrectionOf(original.EntryId);
            var entry = correction is null ? original : correction.Replacement;
            if (entry is null) continue; // struck: entered in error
            switch (entry)
            {
                case EpisodeOpened e when open is null:
                    open = new EpisodeReading(e);
                    reading.episodes.Add(open);
                    break;
                case EpisodeClosed e when open is not null:
                    open.Close(e);
                    open = null;
                    break;
                case NetworkMemberAdded e:
                    reading.network[e.MemberId] = new(e, correction);
                    break;
                case NetworkMemberRemoved e:
                    reading.network.Remove(e.MemberId);
                    break;
                default:
                    open?.Add(entry, correction);
                    break;
            }
        }
        return reading;
    }
}

/// <summary>An entry as the record reads it now, with the correction that made it so (null when never corrected).</summary>
internal sealed record Read<T>(T Entry, Correction? Correction) where T : RecordEntry;

internal sealed class ProblemReading(Read<ProblemAdded> added)
{
    public Read<ProblemAdded> Added { get; } = added;

    public DateTimeOffset? ResolvedAt { get; set; }

    public List<Read<RatingRecorded>> Ratings { get; } = [];

    /// <summary>The final ratings given at discharge, if any.</summary>
    public OutcomeRating? FinalRating { get; set; }
}

internal sealed class InterventionReading(Read<InterventionAdded> added)
{
    public Read<InterventionAdded> Added { get; } = added;

    /// <summary>Stopped by a nurse (true) or ended with its problem or the episode (false); null while in progress.</summary>
    public bool? Stopped { get; set; }

    public List<string> VisitIds { get; } = [];
}

/// <summary>One stay on a team's caseload: its care plan, ratings, visits and notes, corrections applied.</summary>
internal sealed class EpisodeReading(EpisodeOpened opened)
{
    private readonly Dictionary<string, ProblemReading> problems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Read<GoalAgreed>> goals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InterventionReading> interventions = new(StringComparer.Ordinal);

    public EpisodeOpened Opened { get; } = opened;

    public EpisodeClosed? Closed { get; private set; }

    public IReadOnlyCollection<ProblemReading> Problems => problems.Values;

    public IReadOnlyCollection<Read<GoalAgreed>> Goals => goals.Values;

    public IReadOnlyCollection<InterventionReading> Interventions => interventions.Values;

    public List<Read<VisitRecorded>> Visits { get; } = [];

    public List<Read<NoteAdded>> Notes { get; } = [];

    public void Add(RecordEntry entry, Correction? correction)
    {
        switch (entry)
        {
            case ProblemAdded e:
                problems[e.ProblemId] = new(new(e, correction));
                break;
            case ProblemResolved e when problems.TryGetValue(e.ProblemId, out var problem) && problem.ResolvedAt is null:
                problem.ResolvedAt = e.At;
                foreach (var i in interventions.Values.Where(i => i.Added.Entry.ProblemId == e.ProblemId && i.Stopped is null))
                    i.Stopped = false;
                break;
            case RatingRecorded e when problems.TryGetValue(e.ProblemId, out var problem):
                problem.Ratings.Add(new(e, correction));
                break;
            case GoalAgreed e:
                goals[e.GoalId] = new(e, correction);
                break;
            case InterventionAdded e:
                interventions[e.InterventionId] = new(new(e, correction));
                break;
            case InterventionStopped e when interventions.TryGetValue(e.InterventionId, out var intervention) && intervention.Stopped is null:
                intervention.Stopped = true;
                break;
            case VisitRecorded e:
                Visits.Add(new(e, correction));
                foreach (var done in e.InterventionsDone)
                    if (interventions.TryGetValue(done, out var intervention)) intervention.VisitIds.Add(e.VisitId);
                break;
            case NoteAdded e:
                Notes.Add(new(e, correction));
                break;
            default:
                break; // reviews, reablement renewals, demographics and referrals: not exported per episode
        }
    }

    public void Close(EpisodeClosed closed)
    {
        Closed = closed;
        foreach (var rating in closed.FinalRatings)
            if (problems.TryGetValue(rating.ProblemId, out var problem)) problem.FinalRating = rating.Rating;
        foreach (var i in interventions.Values.Where(i => i.Stopped is null)) i.Stopped = false;
    }

    public bool IsOpen => Closed is null;

    public ImmutableList<Read<VisitRecorded>> VisitsOldestFirst => [.. Visits.OrderBy(v => v.Entry.Start)];
}
