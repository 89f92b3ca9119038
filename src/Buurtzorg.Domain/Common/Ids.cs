using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Buurtzorg.Domain.Common;

/// <summary>
/// Opaque identifiers. New entities take an id derived from the request id of the call that creates them, so a retried
/// create lands on the same entity instead of making a second one.
/// </summary>
public static partial class Ids
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex RequestIdPattern();

    /// <summary>Checks an id given by a caller: lower-case letters, digits and dashes, at most 63 characters.</summary>
    public static string Parse(string? value, string field)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0) throw CareRuleException.Invalid($"{field} is required.");
        if (!IdPattern().IsMatch(trimmed)) throw CareRuleException.Invalid($"{field} is not a valid id (lower-case letters, digits and dashes, at most 63 characters).");
        return trimmed;
    }

    /// <summary>Checks the request id every mutating call carries (a UUID is the usual choice).</summary>
    public static string RequestId(string? value)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0) throw CareRuleException.Invalid("request_id is required: every change carries one so that a retry is not applied twice.");
        if (!RequestIdPattern().IsMatch(trimmed)) throw CareRuleException.Invalid("request_id must be 1 to 64 letters, digits or . _ : - characters.");
        return trimmed;
    }

    /// <summary>A stable id for the entity a request creates: the same request id always gives the same id.</summary>
    public static string Derive(string prefix, string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{prefix}:{requestId}"));
        return $"{prefix}-{Convert.ToHexStringLower(hash.AsSpan(0, 8))}";
    }

    /// <summary>A fresh random id, for entities whose id must not be derivable from anything a caller sent.</summary>
    public static string New(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
}
