namespace Buurtzorg.Simulator.Tests;

/// <summary>The services the tests start as processes, as built beside these tests (their projects are referenced).</summary>
internal static class BuiltAssemblies
{
    /// <summary>The build of <c>src/<paramref name="project"/></c> in this test's configuration and framework.</summary>
    public static string Of(string project)
    {
        var here = AppContext.BaseDirectory; // tests/Buurtzorg.Simulator.Tests/bin/<configuration>/<framework>/
        var framework = new DirectoryInfo(here).Name;
        var configuration = new DirectoryInfo(here).Parent!.Name;
        for (var directory = new DirectoryInfo(here); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", project, "bin", configuration, framework, $"{project}.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"The build of {project} was not found beside the repository's tests.");
    }
}
