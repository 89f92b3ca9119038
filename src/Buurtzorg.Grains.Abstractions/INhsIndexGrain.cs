using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

/// <summary>
/// Finds the one client record for an NHS number, creating it on first referral. Keyed by a bucket of the number,
/// never the number itself, so grain ids in logs and storage say nothing about a person.
/// </summary>
[Alias("buurtzorg.nhs-index")]
public interface INhsIndexGrain : IGrainWithStringKey
{
    public const int Buckets = 256;

    /// <summary>The index grain's key for a number: one of <see cref="Buckets"/> buckets, which says nothing about the person.</summary>
    public static string KeyOf(NhsNumber nhsNumber) =>
        $"nhs-{BinaryPrimitives.ReadUInt32LittleEndian(SHA256.HashData(Encoding.ASCII.GetBytes(nhsNumber.Digits))) % Buckets:D3}";

    [Alias("resolve")] Task<string> Resolve(NhsNumber nhsNumber);

    [Alias("find")] Task<string?> Find(NhsNumber nhsNumber);
}
