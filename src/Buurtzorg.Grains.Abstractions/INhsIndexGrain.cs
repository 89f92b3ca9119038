using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

/// <summary>
/// Finds the one client record for an NHS number, creating it on first referral. Keyed by a bucket of the number,
/// never the number itself, so grain ids in logs and storage say nothing about a person.
/// </summary>
[Alias("buurtzorg.nhs-index")]
public interface INhsIndexGrain : IGrainWithStringKey
{
    [Alias("resolve")] Task<string> Resolve(NhsNumber nhsNumber);

    [Alias("find")] Task<string?> Find(NhsNumber nhsNumber);
}
