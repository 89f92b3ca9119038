using Buurtzorg.Deployment.Tests.Tooling;

namespace Buurtzorg.Deployment.Tests;

/// <summary>The publish step of the image, run exactly as the Dockerfile runs it.</summary>
[Collection(PublishedHost.Collection)]
public sealed class PublishTests(PublishedHost published)
{
    [Fact]
    public void The_publish_script_puts_the_host_and_its_settings_in_one_folder_and_no_tests()
    {
        var files = Directory.EnumerateFiles(published.Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(published.Folder, f)).ToList();

        Assert.Contains("Buurtzorg.Silo.dll", files);
        Assert.Contains("Buurtzorg.Silo.runtimeconfig.json", files);
        Assert.Contains("appsettings.json", files);
        // The storage migrations travel inside the host: `migrate` needs nothing else.
        Assert.Contains("Buurtzorg.Storage.dll", files);
        Assert.DoesNotContain(files, f => f.Contains("Tests", StringComparison.OrdinalIgnoreCase) || f.Contains("TestSupport", StringComparison.Ordinal)
            || f.StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || f.StartsWith("Microsoft.TestPlatform", StringComparison.Ordinal)
            || f.StartsWith("testhost", StringComparison.OrdinalIgnoreCase));
        // No native launcher: the image starts it as `dotnet Buurtzorg.Silo.dll`.
        Assert.DoesNotContain("Buurtzorg.Silo", files);
    }
}
