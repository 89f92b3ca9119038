using System.Text.RegularExpressions;

namespace Buurtzorg.Api.Tests.Contract;

/// <summary>
/// docs/SAFETY.md is the hazard log: each hazard names the tests that show its controls work. This keeps the log
/// honest as the code moves: every test it names exists, and every hazard names at least one.
/// </summary>
public sealed partial class SafetyCaseTests
{
    private static readonly string Root = NodeTooling.FindRepositoryRoot();

    private static readonly Lazy<string[]> TestSources = new(() => Directory
        .EnumerateFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .Select(File.ReadAllText)
        .ToArray());

    [Fact]
    public void Every_test_the_hazard_log_names_exists()
    {
        var named = TestReference().Matches(SafetyLog()).Select(m => (Class: m.Groups["class"].Value, Method: m.Groups["method"].Value))
            .Distinct().ToList();

        var missing = named.Where(t => !TestSources.Value.Any(source =>
            source.Contains($"class {t.Class}", StringComparison.Ordinal) && source.Contains($" {t.Method}(", StringComparison.Ordinal)))
            .Select(t => $"{t.Class}.{t.Method}").ToList();

        Assert.True(named.Count >= 40, $"The hazard log names only {named.Count} tests.");
        Assert.True(missing.Count == 0, $"docs/SAFETY.md names tests that do not exist: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_hazard_names_the_tests_of_its_controls_and_its_residual_risk()
    {
        var hazards = Hazard().Split(SafetyLog()).Skip(1).ToList();

        Assert.True(hazards.Count >= 16, $"The hazard log has {hazards.Count} hazards.");
        Assert.All(hazards, hazard =>
        {
            var title = hazard.Split('\n')[0];
            Assert.True(TestReference().IsMatch(hazard), $"Hazard {title} names no test.");
            Assert.Contains("Residual", hazard, StringComparison.Ordinal);
            Assert.Contains("DCB0160", hazard, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_check_tells_a_test_reference_from_other_code_in_backticks()
    {
        Assert.Matches(TestReference(), "`VisitTests.A_visit_may_start_up_to_five_minutes_ahead_of_the_clock`");
        Assert.DoesNotMatch(TestReference(), "`CareClock.Today`");
    }

    private static string SafetyLog() => File.ReadAllText(Path.Combine(Root, "docs", "SAFETY.md"));

    // A test is named as `Class.Method_name_with_underscores` (test names here are sentences).
    [GeneratedRegex(@"`(?<class>[A-Z][A-Za-z0-9]*Tests)\.(?<method>[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]+)`")]
    private static partial Regex TestReference();

    [GeneratedRegex(@"^### ", RegexOptions.Multiline)]
    private static partial Regex Hazard();
}
