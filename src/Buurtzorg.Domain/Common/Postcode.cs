using System.Text.RegularExpressions;

namespace Buurtzorg.Domain.Common;

/// <summary>
/// A UK postcode, normalised to upper case with one space before the inward code (<c>E3 2AB</c>). The district
/// (<c>E3</c>) and sector (<c>E3 2</c>) say which neighbourhood it lies in without identifying the address.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(PostcodeConverter))]
public readonly partial record struct Postcode
{
    public string Value { get; }

    private Postcode(string value) => Value = value;

    [GeneratedRegex("^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")]
    private static partial Regex Pattern();

    public static Postcode Parse(string? value)
    {
        var compact = new string((value ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        if (compact.Length == 0) throw CareRuleException.Invalid("Postcode is required.");
        var match = Pattern().Match(compact);
        if (!match.Success) throw CareRuleException.Invalid("Postcode is not a valid UK postcode (for example E3 2AB).");
        return new Postcode($"{match.Groups[1].Value} {match.Groups[2].Value}");
    }

    public string District => Value[..Value.IndexOf(' ')];

    public string Sector => Value[..(Value.IndexOf(' ') + 2)];

    public override string ToString() => Value;
}

/// <summary>A postcode district (<c>E3</c>) or sector (<c>E3 2</c>) a team's neighbourhood is made of.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(PostcodeAreaConverter))]
public readonly partial record struct PostcodeArea
{
    public string Value { get; }

    private PostcodeArea(string value) => Value = value;

    [GeneratedRegex("^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9])?$")]
    private static partial Regex Pattern();

    public bool IsSector => Value.Contains(' ', StringComparison.Ordinal);

    public static PostcodeArea Parse(string? value)
    {
        var normalised = string.Join(' ', (value ?? "").ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (normalised.Length == 0) throw CareRuleException.Invalid("A footprint area is empty.");
        if (!Pattern().IsMatch(normalised)) throw CareRuleException.Invalid($"Footprint area '{normalised}' is not a postcode district (E3) or sector (E3 2).");
        return new PostcodeArea(normalised);
    }

    /// <summary>Whether a postcode sector (<c>E3 2</c>) lies in this area.</summary>
    public bool ContainsSector(string sector) =>
        IsSector ? sector == Value : sector.StartsWith(Value + " ", StringComparison.Ordinal);

    public override string ToString() => Value;
}
