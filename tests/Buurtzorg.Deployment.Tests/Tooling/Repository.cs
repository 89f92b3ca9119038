namespace Buurtzorg.Deployment.Tests.Tooling;

/// <summary>Where things are in the repository this test assembly was built from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Buurtzorg.Grains.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Buurtzorg.Grains.sln.");
    }
}
