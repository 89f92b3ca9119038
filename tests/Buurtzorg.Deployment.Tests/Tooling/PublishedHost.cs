namespace Buurtzorg.Deployment.Tests.Tooling;

/// <summary>
/// The silo host published by <c>build/publish.sh</c> — the very command the Dockerfile runs — into a temporary
/// folder, once for every test that needs it. A publish that fails fails those tests with its output.
/// </summary>
public sealed class PublishedHost : IAsyncLifetime
{
    public const string Collection = "Published host";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(9);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("buurtzorg-publish-");

    /// <summary>The publish output: what the image's /app holds.</summary>
    public string Folder => Path.Combine(_root.FullName, "app");

    public string HostAssembly => Path.Combine(Folder, "Buurtzorg.Silo.dll");

    public ProgramRun Publish { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Publish = await Programs.RunAsync("bash", [Repository.Path("build", "publish.sh"), Folder], Repository.Root, PublishTimeout);
        if (!Publish.Succeeded) throw new InvalidOperationException($"build/publish.sh failed, so there is no host to run.\n{Publish}");
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Every test class in <see cref="PublishedHost.Collection"/> shares one publish.</summary>
[CollectionDefinition(PublishedHost.Collection)]
public sealed class PublishedHostDefinition : ICollectionFixture<PublishedHost>;
