using System.Text.Json;
using System.Text.Json.Serialization;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

// Postcode and NhsNumber keep their value behind a private constructor, which System.Text.Json cannot call; these
// converters write them as the plain strings people read and parse them back through the same validation.

/// <summary>Writes a <see cref="Postcode"/> as its normalised string (<c>"E3 2AB"</c>).</summary>
public sealed class PostcodeJsonConverter : JsonConverter<Postcode>
{
    public override Postcode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        StoredValue.Parse(ref reader, "postcode", Postcode.Parse);

    public override void Write(Utf8JsonWriter writer, Postcode value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}

/// <summary>Writes an <see cref="NhsNumber"/> as its ten digits.</summary>
public sealed class NhsNumberJsonConverter : JsonConverter<NhsNumber>
{
    public override NhsNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        StoredValue.Parse(ref reader, "NHS number", NhsNumber.Parse);

    public override void Write(Utf8JsonWriter writer, NhsNumber value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Digits);
    }
}

internal static class StoredValue
{
    public static T Parse<T>(ref Utf8JsonReader reader, string what, Func<string, T> parse)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected a {what} as a string.");
        try
        {
            return parse(reader.GetString()!);
        }
        catch (CareRuleException e)
        {
            // The rule's message names no value, so it is safe to carry along.
            throw new JsonException($"Stored {what} is not valid: {e.Message}", e);
        }
    }
}
