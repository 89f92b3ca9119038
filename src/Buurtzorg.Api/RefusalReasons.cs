using Buurtzorg.Api.V1;
using Google.Protobuf.Reflection;

namespace Buurtzorg.Api;

/// <summary>
/// The reasons the contract names (common.proto's <c>RefusalReason</c>). The <c>buurtzorg-reason</c> trailer carries
/// a value's name without its prefix, so apps in any language branch on the enum the protos give them.
/// </summary>
public static class RefusalReasons
{
    private const string Prefix = "REFUSAL_REASON_";

    /// <summary>Every reason the trailer may carry, as sent (for example <c>AT_CAPACITY</c>).</summary>
    private static readonly EnumDescriptor Descriptor =
        CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>(nameof(RefusalReason));

    public static IReadOnlySet<string> InContract { get; } = Descriptor.Values
        .Where(v => v.Number != 0)
        .Select(v => v.Name[Prefix.Length..])
        .ToHashSet(StringComparer.Ordinal);
}
