using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Buurtzorg.Architecture.Tests;

/// <summary>
/// The client library as a team app receives it: <c>dotnet pack</c> of src/Buurtzorg.Client into a temporary folder
/// (once for the class), then the package opened and read.
/// </summary>
public sealed class ClientPackageTests(ClientPackageTests.Packed packed) : IClassFixture<ClientPackageTests.Packed>
{
    private readonly string _package = packed.Package;

    [Fact]
    public void The_package_is_Buurtzorg_Client_0_1_0_with_a_description_and_its_readme()
    {
        var metadata = Nuspec().Descendants().First(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

        Assert.Equal("Buurtzorg.Client", Field("id"));
        Assert.Equal("0.1.0", Field("version"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("README.md", Entries());
    }

    [Fact]
    public void The_package_holds_the_library_and_its_xml_docs_and_no_other_assembly()
    {
        var libraries = Entries().Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).ToList();

        Assert.Contains("lib/net10.0/Buurtzorg.Client.dll", libraries);
        Assert.Contains("lib/net10.0/Buurtzorg.Client.xml", libraries);
        Assert.Equal("lib/net10.0/Buurtzorg.Client.dll", Assert.Single(Entries(), e => e.EndsWith(".dll", StringComparison.Ordinal)));
        using var archive = ZipFile.OpenRead(_package);
        using var docs = new StreamReader(archive.GetEntry("lib/net10.0/Buurtzorg.Client.xml")!.Open());
        Assert.Contains("M:Buurtzorg.Client.BuurtzorgClient.Create", docs.ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_package_depends_on_grpc_and_protobuf_and_on_no_server_project()
    {
        var dependencies = Nuspec().Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => e.Attribute("id")!.Value).ToList();

        Assert.Contains("Grpc.Net.Client", dependencies);
        Assert.Contains("Google.Protobuf", dependencies);
        Assert.Contains("Microsoft.Data.Sqlite", dependencies); // the offline outbox
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Buurtzorg", StringComparison.Ordinal));
        Assert.DoesNotContain("Grpc.Tools", dependencies); // a build tool, not something an app runs
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Grpc.AspNetCore", StringComparison.Ordinal) || d.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    private const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private List<string> Entries()
    {
        using var archive = ZipFile.OpenRead(_package);
        return [.. archive.Entries.Select(e => e.FullName)];
    }

    private XDocument Nuspec()
    {
        using var archive = ZipFile.OpenRead(_package);
        var entry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Buurtzorg.Grains.sln"))) return directory.FullName;
        throw new DirectoryNotFoundException("The repository (Buurtzorg.Grains.sln) is not above the test's folder.");
    }

    /// <summary>The package, packed once for the class and deleted after.</summary>
    public sealed class Packed : IAsyncLifetime
    {
        private readonly string _output = Path.Combine(Path.GetTempPath(), $"buurtzorg-client-pack-{Guid.NewGuid():N}");

        public string Package { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var project = Path.Combine(RepositoryRoot(), "src", "Buurtzorg.Client", "Buurtzorg.Client.csproj");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "pack", project, "--output", _output, "--configuration", Configuration, "--nologo" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var pack = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var output = pack.StandardOutput.ReadToEndAsync();
            var errors = pack.StandardError.ReadToEndAsync();
            await pack.WaitForExitAsync();
            Assert.True(pack.ExitCode == 0, $"dotnet pack failed ({pack.ExitCode}):\n{await output}\n{await errors}");
            Package = Assert.Single(Directory.GetFiles(_output, "*.nupkg"));
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
            return Task.CompletedTask;
        }
    }
}
