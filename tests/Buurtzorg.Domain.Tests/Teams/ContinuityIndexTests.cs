using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Domain.Tests.Teams;

public sealed class ContinuityIndexTests
{
    // Hand-worked: visits A A A B → UPC = 3/4; COC = (3² + 1² − 4) / (4 × 3) = 6/12.
    [Fact]
    public void Three_visits_by_one_nurse_and_one_by_another() =>
        AssertIndices([3, 1], upc: 0.75, coc: 0.5);

    // Every visit by a different nurse: UPC = 1/4; COC = (4 − 4) / 12 = 0.
    [Fact]
    public void A_different_nurse_each_time_scores_zero_continuity_of_care() =>
        AssertIndices([1, 1, 1, 1], upc: 0.25, coc: 0);

    // One nurse for all five: UPC = 1; COC = (25 − 5) / 20 = 1.
    [Fact]
    public void The_same_nurse_every_time_scores_one_on_both() =>
        AssertIndices([5], upc: 1, coc: 1);

    // A A B B C C: UPC = 2/6; COC = (4 + 4 + 4 − 6) / 30 = 0.2.
    [Fact]
    public void Three_nurses_sharing_six_visits_evenly() =>
        AssertIndices([2, 2, 2], upc: 1.0 / 3, coc: 0.2);

    [Fact]
    public void Without_visits_there_is_no_index_and_one_visit_has_no_COC()
    {
        Assert.Null(ContinuityIndex.Upc([]));
        Assert.Null(ContinuityIndex.Coc([]));
        Assert.Equal(1, ContinuityIndex.Upc([1]));
        Assert.Null(ContinuityIndex.Coc([1]));
    }

    [Fact]
    public void The_team_figure_is_the_median_over_clients_with_an_index()
    {
        Assert.Equal(0.5, ContinuityIndex.Median([0.25, 0.5, 1.0, null]));
        Assert.Equal(0.625, ContinuityIndex.Median([0.25, 0.5, 0.75, 1.0]));
        Assert.Null(ContinuityIndex.Median([null, null]));
    }

    private static void AssertIndices(int[] visitsPerNurse, double upc, double coc)
    {
        Assert.Equal(upc, ContinuityIndex.Upc(visitsPerNurse)!.Value, 10);
        Assert.Equal(coc, ContinuityIndex.Coc(visitsPerNurse)!.Value, 10);
    }
}
