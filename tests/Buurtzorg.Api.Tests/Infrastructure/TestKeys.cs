namespace Buurtzorg.Api.Tests.Infrastructure;

/// <summary>The signing keys test hosts are configured with: two, so rotation can be shown. Test-only secrets.</summary>
public static class TestKeys
{
    public const string FirstId = "test-1";
    public const string SecondId = "test-2";
    public static readonly string FirstSecret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    public static readonly string SecondSecret = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    public static string[] Arguments =>
    [
        "--Security:Jwt:Keys:0:Id", FirstId, "--Security:Jwt:Keys:0:Secret", FirstSecret,
        "--Security:Jwt:Keys:1:Id", SecondId, "--Security:Jwt:Keys:1:Secret", SecondSecret,
    ];
}
