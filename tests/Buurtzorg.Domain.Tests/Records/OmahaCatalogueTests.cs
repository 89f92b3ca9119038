using Buurtzorg.Domain.Records;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class OmahaCatalogueTests
{
    [Fact]
    public void The_problem_classification_scheme_has_42_problems_numbered_1_to_42()
    {
        Assert.Equal(42, OmahaCatalogue.Problems.Count);
        Assert.Equal(Enumerable.Range(1, 42), OmahaCatalogue.Problems.Select(p => (int)p));
        Assert.Equal(1, (int)OmahaProblem.Income);
        Assert.Equal(42, (int)OmahaProblem.MedicationRegimen);
    }

    [Theory]
    [InlineData(OmahaDomain.Environmental, 4)]
    [InlineData(OmahaDomain.Psychosocial, 12)]
    [InlineData(OmahaDomain.Physiological, 18)]
    [InlineData(OmahaDomain.HealthRelatedBehaviors, 8)]
    public void Each_domain_holds_the_problems_the_scheme_gives_it(OmahaDomain domain, int size) =>
        Assert.Equal(size, OmahaCatalogue.ProblemsIn(domain).Count());

    [Theory]
    [InlineData(OmahaProblem.NeighborhoodWorkplaceSafety, OmahaDomain.Environmental, "Neighborhood/workplace safety")]
    [InlineData(OmahaProblem.CommunicationWithCommunityResources, OmahaDomain.Psychosocial, "Communication with community resources")]
    [InlineData(OmahaProblem.GrowthAndDevelopment, OmahaDomain.Psychosocial, "Growth and development")]
    [InlineData(OmahaProblem.Hearing, OmahaDomain.Physiological, "Hearing")]
    [InlineData(OmahaProblem.DigestionHydration, OmahaDomain.Physiological, "Digestion-hydration")]
    [InlineData(OmahaProblem.CommunicableInfectiousCondition, OmahaDomain.Physiological, "Communicable/infectious condition")]
    [InlineData(OmahaProblem.Nutrition, OmahaDomain.HealthRelatedBehaviors, "Nutrition")]
    [InlineData(OmahaProblem.MedicationRegimen, OmahaDomain.HealthRelatedBehaviors, "Medication regimen")]
    public void Problems_carry_the_scheme_wording_and_domain(OmahaProblem problem, OmahaDomain domain, string name)
    {
        Assert.Equal(domain, OmahaCatalogue.DomainOf(problem));
        Assert.Equal(name, OmahaCatalogue.DisplayName(problem));
    }

    [Fact]
    public void Every_problem_has_a_distinct_display_name() =>
        Assert.Equal(42, OmahaCatalogue.Problems.Select(OmahaCatalogue.DisplayName).Distinct().Count());

    [Fact]
    public void Family_carers_neighbours_friends_groups_and_faith_communities_are_the_informal_network()
    {
        var informal = Enum.GetValues<NetworkRole>().Where(r => NetworkCatalogue.KindOf(r) == NetworkKind.Informal);
        Assert.Equal(
            [NetworkRole.Family, NetworkRole.Carer, NetworkRole.Neighbour, NetworkRole.Friend, NetworkRole.VoluntaryGroup, NetworkRole.FaithCommunity],
            informal);
        Assert.Equal(NetworkKind.Formal, NetworkCatalogue.KindOf(NetworkRole.GeneralPractitioner));
        Assert.Equal(NetworkKind.Formal, NetworkCatalogue.KindOf(NetworkRole.OtherProfessional));
    }
}
