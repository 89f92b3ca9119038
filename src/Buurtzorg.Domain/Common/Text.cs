using System.Text;

namespace Buurtzorg.Domain.Common;

/// <summary>
/// Free-text checks shared by every command: required or optional, Unicode-normalized (NFC), trimmed, bounded, and
/// text only. A name, address or note ends up on nurses' screens, in exports and letters, so it may not carry what
/// would act instead of read: control characters (NUL, escape sequences, DEL, C1 controls), characters that reorder
/// what is shown (bidirectional embeddings, overrides and isolates) or broken UTF-16. Multi-line fields (notes,
/// summaries) may hold tabs and line breaks; a CR LF is stored as LF, and a lone CR is refused, since it would let
/// one line be printed over another. Refusals name the field and never quote it.
/// </summary>
public static class Text
{
    public const int ShortMax = 200;
    public const int NoteMax = 4000;

    /// <summary>The checked text; empty or whitespace only is refused.</summary>
    public static string Required(string? value, string field, int max = ShortMax, bool multiline = false)
    {
        var text = Clean(value, field, multiline);
        return text.Length == 0 ? throw CareRuleException.Invalid($"{field} is required.") : Bounded(text, field, max);
    }

    /// <summary>The checked text, or null when nothing (or only whitespace) was given.</summary>
    public static string? Optional(string? value, string field, int max = ShortMax, bool multiline = false)
    {
        var text = Clean(value, field, multiline);
        return text.Length == 0 ? null : Bounded(text, field, max);
    }

    // Counted after normalization: a letter sent decomposed (an e and a combining accent) counts once.
    private static string Bounded(string text, string field, int max) => text.Length <= max ? text
        : throw CareRuleException.Invalid($"{field} is too long ({text.Length} characters; at most {max}).");

    private static string Clean(string? value, string field, bool multiline)
    {
        if (string.IsNullOrEmpty(value)) return "";
        // Normalize would throw on a lone surrogate, so broken text is found first.
        if (HasUnpairedSurrogate(value))
            throw CareRuleException.Invalid($"{field} is not valid text (it holds a broken character).");
        var text = value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
        if (multiline) text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var c in text)
        {
            if (!multiline && c is '\t' or '\n' or '\r' or '\u2028' or '\u2029')
                throw CareRuleException.Invalid($"{field} must be a single line, without tabs or line breaks.");
            // A CR left over once CR LF became LF stands alone: it would let one line be printed over another.
            if (c is not ('\t' or '\n') && (char.IsControl(c) || IsDeceptiveFormat(c)))
            {
                throw CareRuleException.Invalid(multiline
                    ? $"{field} holds a control or formatting character; only text, tabs and line breaks are allowed."
                    : $"{field} holds a control or formatting character; only text is allowed.");
            }
        }
        return text.Trim();
    }

    /// <summary>
    /// Bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069), which make text display
    /// in another order than it is stored, a byte-order mark inside text, and interlinear annotation marks (U+FFF9 to
    /// U+FFFB), which hide text. The left-to-right and right-to-left marks and the zero-width joiners stay allowed:
    /// names and notes in several scripts and emoji need them.
    /// </summary>
    private static bool IsDeceptiveFormat(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFB');

    private static bool HasUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return true;
        }
        return false;
    }
}
