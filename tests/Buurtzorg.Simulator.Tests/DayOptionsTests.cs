using Buurtzorg.Simulator.OrganisationDay;

namespace Buurtzorg.Simulator.Tests;

/// <summary>The command line of <c>organisation-day</c>: what it accepts and what it refuses before anything runs.</summary>
public sealed class DayOptionsTests
{
    [Fact]
    public void Forming_only_and_running_a_saved_organisation_are_told_apart_from_mistakes()
    {
        Assert.Equal(0, DayOptions.Parse(["organisation-day", "--days", "0", "--save-organisation", "org.json"]).Days);
        Assert.Equal("org.json", DayOptions.Parse(["organisation-day", "--organisation", "org.json"]).OrganisationFile);
        Assert.Throws<ArgumentException>(() => DayOptions.Parse(["organisation-day", "--days", "0", "--organisation", "org.json"]));
        Assert.Throws<ArgumentException>(() => DayOptions.Parse(["organisation-day", "--organisation", "a.json", "--save-organisation", "b.json"]));
        Assert.Throws<ArgumentException>(() => DayOptions.Parse(["organisation-day", "--days", "0", "--duration", "60"]));
        Assert.Throws<ArgumentException>(() => DayOptions.Parse(["organisation-day", "--silo-metrics", "/metrics"]));
    }
}
