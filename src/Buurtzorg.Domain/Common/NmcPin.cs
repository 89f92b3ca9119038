using System.Text.RegularExpressions;

namespace Buurtzorg.Domain.Common;

/// <summary>A Nursing and Midwifery Council PIN: two digits, a letter, four digits, a letter (for example 12A3456B).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(NmcPinConverter))]
public readonly partial record struct NmcPin
{
    public string Value { get; }

    private NmcPin(string value) => Value = value;

    [GeneratedRegex("^[0-9]{2}[A-Z][0-9]{4}[A-Z]$")]
    private static partial Regex Pattern();

    public static NmcPin Parse(string? value)
    {
        var normalised = (value ?? "").Trim().ToUpperInvariant();
        if (normalised.Length == 0) throw CareRuleException.Invalid("NMC PIN is required for registered and district nurses.");
        if (!Pattern().IsMatch(normalised)) throw CareRuleException.Invalid("NMC PIN must be two digits, a letter, four digits and a letter, for example 12A3456B.");
        return new NmcPin(normalised);
    }

    public override string ToString() => Value;
}
