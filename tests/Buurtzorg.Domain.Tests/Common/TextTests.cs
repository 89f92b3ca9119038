using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Tests.Common;

/// <summary>
/// What a name or note may hold: text a nurse reads, never bytes that act on the screen that shows it (a terminal, a
/// log viewer, an export opened in a spreadsheet) or that make it display differently from what is stored.
/// </summary>
public sealed class TextTests
{
    private const string Secret = "Keysafe 4711";

    private static CareRuleException Refused(Func<object?> check)
    {
        var error = Assert.Throws<CareRuleException>(check);
        Assert.Equal(RuleViolation.InvalidArgument, error.Violation);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_NUL_byte_is_refused_naming_the_field_without_quoting_it(bool multiline)
    {
        var error = Refused(() => Text.Required($"{Secret}\0", "Visit note", Text.NoteMax, multiline));

        Assert.StartsWith("Visit note ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u001b[2J\u001b[1;1H")] // clear the screen, cursor home
    [InlineData("\u001b]0;owned\u0007")] // set the terminal's title
    [InlineData("\u001b[31m")] // red text
    public void A_terminal_escape_sequence_is_refused_even_in_a_note(string escape)
    {
        var error = Refused(() => Text.Required($"{Secret} {escape}", "Note", Text.NoteMax, multiline: true));

        Assert.Contains("control", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DEL_is_refused() => Refused(() => Text.Required($"{Secret}\u007f", "Given name"));

    [Theory]
    [InlineData('\u0080')]
    [InlineData('\u0085')] // next line
    [InlineData('\u009b')] // the one-byte control sequence introducer
    [InlineData('\u009f')]
    public void C1_control_characters_are_refused(char control)
    {
        Refused(() => Text.Required($"{Secret}{control}", "Family name"));
        Refused(() => Text.Required($"{Secret}{control}", "Note", Text.NoteMax, multiline: true));
    }

    [Theory]
    [InlineData('\u202e')] // right-to-left override: "Dose 01 mg" could show as "Dose gm 10"
    [InlineData('\u202d')]
    [InlineData('\u202a')]
    [InlineData('\u2066')] // isolates
    [InlineData('\u2069')]
    [InlineData('\ufeff')]
    [InlineData('\ufff9')] // interlinear annotation, which hides the text that follows
    public void Characters_that_reorder_or_hide_text_are_refused(char format)
    {
        var error = Refused(() => Text.Required($"Dose {format}01 mg", "Intervention detail", 1000, multiline: true));

        Assert.Contains("formatting", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Take at 08:00\tand 20:00")]
    [InlineData("Fell at 02:00.\nNo injury; back to bed.")]
    [InlineData("Fell at 02:00.\u2028No injury.")]
    public void Tabs_and_line_breaks_are_kept_in_notes_and_refused_in_names(string text)
    {
        Assert.Equal(text, Text.Required(text, "Note", Text.NoteMax, multiline: true));

        var error = Refused(() => Text.Required(text, "Given name"));
        Assert.Equal("Given name must be a single line, without tabs or line breaks.", error.Message);
    }

    [Fact]
    public void A_CR_LF_line_break_in_a_note_is_stored_as_LF_and_a_lone_CR_is_refused()
    {
        var stored = Text.Required("Line one\r\nLine two", "Note", Text.NoteMax, multiline: true);

        Assert.Equal("Line one\nLine two", stored);

        // A carriage return alone returns a terminal to the start of the line, to print over what was there.
        Refused(() => Text.Required("Pain 7/10\rPain 0/10", "Note", Text.NoteMax, multiline: true));
        Refused(() => Text.Required("Line one\r\nLine two", "Address"));
    }

    [Fact]
    public void A_decomposed_accent_is_stored_composed()
    {
        var decomposed = "Rene\u0301e Cle\u0301ment";

        var stored = Text.Required(decomposed, "Given name");

        Assert.Equal("Ren\u00e9e Cl\u00e9ment", stored);
        Assert.Equal(stored, Text.Optional(decomposed, "Given name"));
    }

    [Fact]
    public void Length_is_counted_after_normalization()
    {
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 200)); // 400 UTF-16 code units, 200 letters

        Assert.Equal(new string('\u00e9', 200), Text.Required(decomposed, "Given name"));
        var error = Refused(() => Text.Required(decomposed + "e\u0301", "Given name"));
        Assert.Contains("201 characters; at most 200", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpaired_surrogates_are_refused()
    {
        // Built here, not in [InlineData]: the test runner would turn a lone surrogate into U+FFFD on its way.
        const char High = '\ud83d', Low = '\ude00';
        foreach (var broken in new[] { $"Edith {High}", $"{Low} Edith", $"Edi{Low}{High}th", $"{High}{High}{Low}" })
        {
            var error = Refused(() => Text.Optional(broken, "Given name"));
            Assert.Contains("not valid text", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal($"Edith {High}{Low}", Text.Required($"Edith {High}{Low}", "Given name")); // a pair is one emoji
    }

    [Theory]
    [InlineData("Zoë Ångström")]
    [InlineData("محمد \u200fأحمد")] // Arabic with a right-to-left mark
    [InlineData("Fell at home 👩\u200d⚕️ called")] // an emoji sequence joined by a zero-width joiner
    [InlineData("Jan  de   Vries")]
    public void Text_in_any_script_with_its_marks_joiners_and_emoji_is_kept(string text) =>
        Assert.Equal(text.Normalize(), Text.Required(text, "Name"));

    [Fact]
    public void Whitespace_around_text_is_trimmed_and_nothing_but_whitespace_is_no_text()
    {
        Assert.Equal("Bow East", Text.Required("  Bow East \n", "Team name", multiline: true));
        Assert.Null(Text.Optional(" \n\t ", "Note", Text.NoteMax, multiline: true));
        Assert.Null(Text.Optional(null, "Phone"));
        var error = Refused(() => Text.Required("   ", "Team name"));
        Assert.Contains("is required", error.Message, StringComparison.Ordinal);
    }
}
