using System.Globalization;
using System.Text;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;

namespace Buurtzorg.Api;

/// <summary>
/// How every list pages (GetHistory, GetCaseload, ListReferrals, ListCalls, ListAccesses): <c>page_size</c> 0 takes
/// the list's default and anything outside 1 to its maximum is INVALID_ARGUMENT; <c>page_token</c> is empty for the
/// first page and otherwise the <c>next_page_token</c> of the page before. Tokens are opaque to apps; one this service
/// did not give (or gave for another list) is INVALID_ARGUMENT, never a silently different page.
/// </summary>
public static class Paging
{
    public const string BadToken = "page_token is not one this service gave out: ask for the first page again (no page_token).";

    public static int Size(int requested, int defaultSize, int max) =>
        requested == 0 ? defaultSize
        : requested >= 1 && requested <= max ? requested
        : throw CareRuleException.Invalid($"page_size must be between 1 and {max}.");

    /// <summary>A position in an append-only list (a journal's entry number, an audit line's): a plain number.</summary>
    public static long Position(string? token) =>
        string.IsNullOrEmpty(token) ? 0
        : long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var position) && position > 0 ? position
        : throw CareRuleException.Invalid(BadToken);

    public static string Token(long? position) => position?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>The cursor a token of <paramref name="list"/> carries; null for the first page.</summary>
    public static ListCursor? Cursor(string? token, string list)
    {
        if (string.IsNullOrEmpty(token)) return null;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + Padding(token)));
        }
        catch (FormatException)
        {
            throw CareRuleException.Invalid(BadToken);
        }
        return text.Split(':', 3) is [var kind, var key, var id] && kind == list && id.Length > 0
            && long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var k)
            ? new ListCursor(k, id)
            : throw CareRuleException.Invalid(BadToken);
    }

    public static string Token(ListCursor? cursor, string list) => cursor is null ? ""
        : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{list}:{cursor.Key.ToString(CultureInfo.InvariantCulture)}:{cursor.Id}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Padding(string token) => (token.Length % 4) switch { 2 => "==", 3 => "=", 1 => throw CareRuleException.Invalid(BadToken), _ => "" };
}
