namespace Buurtzorg.Domain.Common;

/// <summary>Free-text checks shared by every command: required or optional, trimmed, bounded.</summary>
public static class Text
{
    public const int ShortMax = 200;
    public const int NoteMax = 4000;

    public static string Required(string? value, string field, int max = ShortMax)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0) throw CareRuleException.Invalid($"{field} is required.");
        if (trimmed.Length > max) throw CareRuleException.Invalid($"{field} is too long ({trimmed.Length} characters; at most {max}).");
        return trimmed;
    }

    public static string? Optional(string? value, string field, int max = ShortMax)
    {
        var trimmed = value?.Trim() ?? "";
        return trimmed.Length == 0 ? null : Required(trimmed, field, max);
    }
}
