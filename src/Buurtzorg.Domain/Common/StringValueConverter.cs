using System.Text.Json;
using System.Text.Json.Serialization;

namespace Buurtzorg.Domain.Common;

/// <summary>Stores a validated value type as its plain string and parses (re-validates) it on the way back.</summary>
public abstract class StringValueConverter<T>(Func<string, T> parse, Func<T, string> format) : JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected a string for {typeof(T).Name}.");
        try
        {
            return parse(reader.GetString()!);
        }
        catch (CareRuleException e)
        {
            // Stored data that no longer parses is corruption, not a caller's mistake; the rule's message names no value.
            throw new JsonException($"Stored {typeof(T).Name} is not valid: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(format(value));
}

public sealed class NhsNumberConverter() : StringValueConverter<NhsNumber>(NhsNumber.Parse, n => n.Digits);

public sealed class NmcPinConverter() : StringValueConverter<NmcPin>(NmcPin.Parse, p => p.Value);

public sealed class PostcodeConverter() : StringValueConverter<Postcode>(Postcode.Parse, p => p.Value);

public sealed class PostcodeAreaConverter() : StringValueConverter<PostcodeArea>(PostcodeArea.Parse, a => a.Value);
