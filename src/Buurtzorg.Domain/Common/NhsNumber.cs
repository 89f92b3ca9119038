namespace Buurtzorg.Domain.Common;

/// <summary>
/// A 10-digit NHS number whose last digit is a modulus-11 check digit. <see cref="ToString"/> never prints the number,
/// so an NHS number that slips into a log line or an exception message shows as a mask.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(NhsNumberConverter))]
public readonly record struct NhsNumber
{
    public string Digits { get; }

    private NhsNumber(string digits) => Digits = digits;

    /// <summary>Whether the number lies in 999 000 0000 – 999 999 9999, reserved for tests and never issued.</summary>
    public bool IsTestRange => Digits.StartsWith("999", StringComparison.Ordinal);

    public static NhsNumber Parse(string? value) =>
        TryParse(value, out var number, out var problem) ? number : throw CareRuleException.Invalid(problem);

    public static bool TryParse(string? value, out NhsNumber number, out string problem)
    {
        number = default;
        var digits = new string((value ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length == 0) { problem = "NHS number is required."; return false; }
        if (digits.Length != 10 || !digits.All(char.IsAsciiDigit)) { problem = "NHS number must be 10 digits."; return false; }
        var check = CheckDigit(digits);
        if (check != digits[9] - '0') { problem = "NHS number is not valid: its check digit does not match. Please check it against the referral letter."; return false; }
        number = new NhsNumber(digits);
        problem = "";
        return true;
    }

    /// <summary>Modulus 11 over the first nine digits, weights 10 down to 2; 11 becomes 0, 10 means no valid number.</summary>
    internal static int CheckDigit(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (digits[i] - '0') * (10 - i);
        var check = 11 - sum % 11;
        return check switch { 11 => 0, 10 => -1, _ => check };
    }

    /// <summary>
    /// The n-th valid number of the test range 999 000 0000 – 999 999 9999, which is never issued to a person: for
    /// demo data, simulations and tests.
    /// </summary>
    public static NhsNumber ForTesting(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        // About one in eleven nine-digit stems has no valid check digit; skip those and count the rest.
        for (var stem = 999_000_000L; stem <= 999_999_999L; stem++)
        {
            var digits = stem.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var check = CheckDigit(digits);
            if (check < 0) continue;
            if (n-- == 0) return new NhsNumber(digits + (char)('0' + check));
        }
        throw new ArgumentOutOfRangeException(nameof(n), "The test range holds fewer numbers than asked for.");
    }

    /// <summary>The number in the 3-3-4 form people read, for the record itself (never for logs).</summary>
    public string Formatted => $"{Digits[..3]} {Digits[3..6]} {Digits[6..]}";

    public override string ToString() => "NHS ***";
}
