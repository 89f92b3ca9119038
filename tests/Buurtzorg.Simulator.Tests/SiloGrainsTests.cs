using Buurtzorg.Simulator.OrganisationDay;

namespace Buurtzorg.Simulator.Tests;

/// <summary>Reading active grains by type from the silo's Prometheus text, as the exporter writes it.</summary>
public sealed class SiloGrainsTests
{
    [Fact]
    public void Grains_are_counted_per_type_and_other_series_are_left_alone()
    {
        const string Scrape = """
            # TYPE orleans_grains gauge
            orleans_grains{otel_scope_name="Microsoft.Orleans",grain_type="buurtzorg.client"} 20 1700000000000
            orleans_grains{otel_scope_name="Microsoft.Orleans",grain_type="buurtzorg.nurse"} 9
            orleans_grains{otel_scope_name="Microsoft.Orleans",grain_type="odd\"type}"} 1
            # TYPE orleans_catalog_activations gauge
            orleans_catalog_activations{otel_scope_name="Microsoft.Orleans",grain_type="buurtzorg.client"} 99
            orleans_grains_other{grain_type="buurtzorg.team"} 5
            """;

        var counts = SiloGrains.Read(Scrape);

        Assert.Equal(new Dictionary<string, long> { ["buurtzorg.client"] = 20, ["buurtzorg.nurse"] = 9, ["odd\"type}"] = 1 }, counts);
    }
}
