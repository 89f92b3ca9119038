namespace Buurtzorg.Api.Tests.Contract;

/// <summary>
/// Team apps in the field update when their nurses update them, not when we deploy: the protos change only in ways an
/// app built against the last commit still reads (buf's FILE rules, as <c>protos/buf.yaml</c> sets them). The protos as
/// they are now — with uncommitted changes, if any — are held against the last commit's, and the last commit's against
/// the one before, so a breaking change fails both before it is committed and in CI after.
/// </summary>
[Collection(NodeTooling.Collection)]
public sealed class ProtoBreakingTests(NodeTooling tooling)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_protos_keep_every_field_and_method_of_the_last_commit()
    {
        var breaking = await Against("HEAD");

        Assert.True(breaking.ExitCode == 0, $"buf breaking: protos/ breaks the last commit's contract:\n{breaking}");
    }

    [Fact]
    public async Task The_last_commit_kept_every_field_and_method_of_the_one_before()
    {
        var breaking = await Against("HEAD~1", current: "HEAD");

        Assert.True(breaking.ExitCode == 0, $"buf breaking: the last commit broke its parent's contract:\n{breaking}");
    }

    [Fact]
    public async Task A_changed_field_type_is_caught()
    {
        // The check itself can fail: the last commit's protos against a copy with one field's type changed.
        var copy = Directory.CreateTempSubdirectory("protos-");
        try
        {
            CopyDirectory(tooling.ProtosDirectory, copy.FullName);
            var proto = Path.Combine(copy.FullName, "buurtzorg", "v1", "nurse_service.proto");
            var text = await File.ReadAllTextAsync(proto);
            Assert.Contains("  string nurse_id = 1;", text);
            await File.WriteAllTextAsync(proto, text.Replace("  string nurse_id = 1;", "  int64 nurse_id = 1;", StringComparison.Ordinal));

            var breaking = await tooling.RunBufAsync(["breaking", "--against", await GitInput("HEAD")], copy.FullName, Timeout);

            Assert.NotEqual(0, breaking.ExitCode);
            Assert.Contains("changed type from \"string\" to \"int64\"", breaking.ToString());
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    private async Task<ProcessResult> Against(string reference, string? current = null)
    {
        string[] input = current is null ? [] : [await GitInput(current)];
        return await tooling.RunBufAsync(["breaking", .. input, "--against", await GitInput(reference)], tooling.ProtosDirectory, Timeout);
    }

    /// <summary>
    /// A commit's protos as buf reads them from git: the repository's object store (shared by every worktree) and the
    /// commit's id, resolved here so that a worktree's HEAD is its own.
    /// </summary>
    private async Task<string> GitInput(string reference)
    {
        var commit = await Git("rev-parse", "--verify", "--quiet", $"{reference}^{{commit}}");
        Assert.True(commit.ExitCode == 0, $"git has no commit {reference} (a shallow clone?): the contract cannot be compared with it.\n{commit}");
        var store = await Git("rev-parse", "--path-format=absolute", "--git-common-dir");
        Assert.True(store.ExitCode == 0, $"git could not name the repository's object store.\n{store}");
        return $"{store.StandardOutput.Trim()}#ref={commit.StandardOutput.Trim()},subdir=protos";
    }

    private Task<ProcessResult> Git(params string[] arguments) => NodeTooling.RunAsync("git", arguments, tooling.RepositoryRoot, Timeout);

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
