using Buurtzorg.Simulator.OrganisationDay;

namespace Buurtzorg.Simulator.Tests;

public sealed class SiloMemoryTests
{
    [Theory]
    [InlineData("VmRSS:\t  297000 kB", 297_000L * 1024)]
    [InlineData("VmHWM:\t12323828 kB", 12_323_828L * 1024)] // from 10 GB up there is no space after the tab
    public void A_status_line_is_read_as_bytes(string line, long bytes) => Assert.Equal(bytes, SiloMemory.BytesOf(line));
}
