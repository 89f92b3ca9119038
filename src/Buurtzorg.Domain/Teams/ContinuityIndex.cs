namespace Buurtzorg.Domain.Teams;

/// <summary>Continuity of care over a client's visits, counted per nurse (DESIGN.md §3).</summary>
public static class ContinuityIndex
{
    /// <summary>Usual Provider of Care: the share of visits made by the most-seen nurse. Null without visits.</summary>
    public static double? Upc(IEnumerable<int> visitsPerNurse)
    {
        var counts = visitsPerNurse.Where(n => n > 0).ToList();
        var total = counts.Sum();
        return total == 0 ? null : (double)counts.Max() / total;
    }

    /// <summary>Bice–Boxerman Continuity of Care: (Σ nᵢ² − N) / (N (N − 1)). Null below two visits, where it is undefined.</summary>
    public static double? Coc(IEnumerable<int> visitsPerNurse)
    {
        var counts = visitsPerNurse.Where(n => n > 0).ToList();
        long total = counts.Sum();
        if (total < 2) return null;
        long squares = counts.Sum(n => (long)n * n);
        return (double)(squares - total) / (total * (total - 1));
    }

    public static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToList();
        if (sorted.Count == 0) return null;
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
