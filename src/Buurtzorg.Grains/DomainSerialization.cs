using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Buurtzorg.Grains;

/// <summary>
/// The domain stays plain C#: its immutable records travel between grains as System.Text.Json and are never copied
/// (an immutable value can be shared as it is).
/// </summary>
public static class DomainSerialization
{

    public static bool IsDomainType(Type type) => type.Namespace?.StartsWith("Buurtzorg.Domain", StringComparison.Ordinal) == true;

    public static ISerializerBuilder AddBuurtzorgDomain(this ISerializerBuilder builder)
    {
        builder.AddJsonSerializer(IsDomainType, isCopyable: null, options => options.Configure(o => o.SerializerOptions = DomainJson.Options));
        builder.Services.AddSingleton<IGeneralizedCopier, ImmutableDomainCopier>();
        return builder;
    }

    private sealed class ImmutableDomainCopier : IGeneralizedCopier
    {
        public bool IsSupportedType(Type type) => IsDomainType(type);

        public object? DeepCopy(object? input, CopyContext context) => input;
    }
}
