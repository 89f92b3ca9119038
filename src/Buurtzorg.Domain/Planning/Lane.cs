using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Planning;

/// <summary>A due visit while it is being planned: its window and length in minutes of the day.</summary>
internal sealed class Job(DueVisit visit, VisitContinuity continuity)
{
    public DueVisit Visit { get; } = visit;
    public VisitContinuity Continuity { get; } = continuity;
    public int WindowStart { get; } = ServiceHours.MinuteOfDay(visit.WindowStart);
    public int WindowEnd { get; } = ServiceHours.MinuteOfDay(visit.WindowEnd);
    public int Duration { get; } = visit.DurationMinutes;
    public List<Lane> Eligible { get; set; } = [];

    /// <summary>The able nurses in a fixed order of preference, for the searches that make room.</summary>
    public List<Lane> Preference { get; set; } = [];
    public Lane? Lane { get; set; }
    public int Start { get; set; }
    public int Rank { get; set; }
}

/// <summary>
/// One nurse's day while it is being planned: an ordered sequence of visits, each started as early as it can be
/// (after the travel allowance, inside its window, after the previous visit). A sequence kept this way is feasible
/// exactly when every visit then ends inside its window and the duty; taking a visit out never breaks it.
/// </summary>
internal sealed class Lane(string nurseId, NurseRole role, ImmutableSortedSet<Skill> skills, int from, int to, int minutes, int travel)
{
    public string NurseId { get; } = nurseId;
    public NurseRole Role { get; } = role;
    public ImmutableSortedSet<Skill> Skills { get; } = skills;
    public int From { get; } = from;
    public int To { get; } = to;
    public int Minutes { get; } = minutes;
    public int Travel { get; } = travel;
    public List<Job> Sequence { get; } = [];
    public int Used { get; private set; }

    public int MinutesLeft => Minutes - Used;

    public bool HasMinutesFor(Job job) => Used + job.Duration + Travel <= Minutes;

    /// <summary>Whether the visit fits the duty span at all, whatever else the nurse does.</summary>
    public bool SpanFits(Job job) => Math.Max(job.WindowStart, From + Travel) + job.Duration <= Math.Min(job.WindowEnd, To);

    /// <summary>Where in the sequence the visit can go with minutes and window room for it, or −1.</summary>
    public int FindPosition(Job job)
    {
        if (!HasMinutesFor(job) || !SpanFits(job)) return -1;
        // First where the window's end puts it (earliest deadline first), so a visit that may come any time does not
        // take the morning from visits that must be in the morning; then anywhere that works.
        var due = Sequence.FindIndex(j => (j.WindowEnd, j.WindowStart).CompareTo((job.WindowEnd, job.WindowStart)) > 0);
        if (due < 0) due = Sequence.Count;
        if (Feasible(job, due)) return due;
        for (var position = 0; position <= Sequence.Count; position++)
            if (position != due && Feasible(job, position)) return position;
        return -1;
    }

    public void InsertAt(int position, Job job)
    {
        Sequence.Insert(position, job);
        job.Lane = this;
        Used += job.Duration + Travel;
        Justify();
    }

    /// <summary>Takes a visit out and returns where it was, so a trial move can be undone exactly.</summary>
    public int Remove(Job job)
    {
        var index = Sequence.IndexOf(job);
        Sequence.RemoveAt(index);
        job.Lane = null;
        Used -= job.Duration + Travel;
        Justify();
        return index;
    }

    /// <summary>
    /// Inserting a visit only ever pushes later visits later, so the check walks on from the insertion point until a
    /// visit keeps its start (everything after it is unchanged) or one runs out of its window.
    /// </summary>
    private bool Feasible(Job extra, int position)
    {
        var end = position == 0 ? From : Sequence[position - 1].Start + Sequence[position - 1].Duration;
        var start = Math.Max(extra.WindowStart, end + Travel);
        end = start + extra.Duration;
        if (end > Math.Min(extra.WindowEnd, To)) return false;
        for (var i = position; i < Sequence.Count; i++)
        {
            var job = Sequence[i];
            start = Math.Max(job.WindowStart, end + Travel);
            if (start == job.Start) return true;
            end = start + job.Duration;
            if (end > Math.Min(job.WindowEnd, To)) return false;
        }
        return true;
    }

    private void Justify()
    {
        var end = From;
        foreach (var job in Sequence)
        {
            job.Start = Math.Max(job.WindowStart, end + Travel);
            end = job.Start + job.Duration;
        }
    }
}
