using System.Text.RegularExpressions;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Api.Tests.Contract;

/// <summary>
/// Every value the <c>buurtzorg-reason</c> trailer can carry is a <c>RefusalReason</c> in common.proto, with a line
/// on what it means; and every value the contract lists is one the server can send. The server's reasons are found
/// where they are made: the statements that raise a refusal, and the codes of the decline reasons.
/// </summary>
public sealed partial class ReasonContractTests
{
    private static readonly string[] ServerProjects =
        ["Buurtzorg.Domain", "Buurtzorg.Grains.Abstractions", "Buurtzorg.Grains", "Buurtzorg.Api"];

    [Fact]
    public void Every_reason_the_server_sends_is_in_the_contract()
    {
        var missing = ReasonsTheServerSends().Except(RefusalReasons.InContract).Order().ToList();

        Assert.True(missing.Count == 0, $"Reasons sent but not in common.proto's RefusalReason: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_reason_in_the_contract_is_one_the_server_can_send()
    {
        var unused = RefusalReasons.InContract.Except(ReasonsTheServerSends()).Order().ToList();

        Assert.True(unused.Count == 0, $"RefusalReason values no code sends: {string.Join(", ", unused)}");
    }

    [Fact]
    public void The_scan_finds_reasons_in_single_and_multi_line_refusals()
    {
        const string source = """
            if (x) throw CareRuleException.Precondition("One line.", "FIRST_REASON");
            throw new CareRuleException(RuleViolation.AlreadyExists,
                "Over two lines; with a semicolon in the message.", "SECOND_REASON");
            private static RuleRefusedException Denied(string message) => new(RuleViolation.PermissionDenied, message, "THIRD");
            var notAReason = "NOT_A_REASON";
            public const string Fourth = "FOURTH_REASON";
            throw CareRuleException.Precondition($"{what} is dated too early.", Fourth);
            return new(caller, new(RuleViolation.PermissionDenied, Policy.Message, Policy.Fourth));
            """;

        Assert.Equal(["FIRST_REASON", "FOURTH_REASON", "FOURTH_REASON", "SECOND_REASON", "THIRD"], ReasonsIn(source).Order());
    }

    private static HashSet<string> ReasonsTheServerSends()
    {
        var root = NodeTooling.FindRepositoryRoot();
        var sources = ServerProjects
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(root, "src", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var reasons = ReasonsIn(sources.Select(File.ReadAllText).ToList()).ToHashSet(StringComparer.Ordinal);
        // An admission the rules refuse carries the code of the decline reason they found.
        reasons.UnionWith(Enum.GetValues<DeclineReason>().Select(DeclineReasons.Code));
        return reasons;
    }

    /// <summary>
    /// The last argument of each call that raises a refusal: its reason code, written out or as a constant declared in
    /// the same sources.
    /// </summary>
    private static IEnumerable<string> ReasonsIn(string source) => ReasonsIn([source]);

    private static IEnumerable<string> ReasonsIn(IReadOnlyList<string> sources)
    {
        var constants = sources.SelectMany(s => Constant().Matches(s))
            .ToLookup(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
        return sources.SelectMany(s => Refusal().Matches(s)).SelectMany(m => m.Groups["reason"].Success
            ? [m.Groups["reason"].Value]
            : constants[m.Groups["constant"].Value]);
    }

    // A refusal is made by CareRuleException's factories or constructor, or RuleRefusedException's (also as a
    // target-typed `new(RuleViolation...`); the reason closes the argument list, as a literal or a constant.
    [GeneratedRegex("""(?:Precondition|CareRuleException|RuleRefusedException|new)\((?:RuleViolation\.\w+,)?(?:[^;"]|"(?:[^"\\]|\\.)*")*?,\s*(?:"(?<reason>[A-Z][A-Z0-9_]*)"|(?:\w+\.)*(?<constant>[A-Z]\w*))\s*\)""")]
    private static partial Regex Refusal();

    [GeneratedRegex("""const string (?<name>\w+) = "(?<value>[A-Z][A-Z0-9_]*)";""")]
    private static partial Regex Constant();
}
