using System.Collections.Immutable;
using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

[GenerateSerializer, Alias("buurtzorg.nhs-index-state")]
public sealed class NhsIndexState : GrainState<NhsIndexState>
{
    [Id(0)] public ImmutableDictionary<string, string> ClientIds { get; set; } = ImmutableDictionary<string, string>.Empty;
}

[GrainType("buurtzorg.nhs-index")]
public sealed class NhsIndexGrain(
    [PersistentState("nhs-index", BuurtzorgStorage.Name)] IPersistentState<NhsIndexState> state) : Grain, INhsIndexGrain
{
    public const int Buckets = INhsIndexGrain.Buckets;

    /// <summary>The index grain for a number (<see cref="INhsIndexGrain.KeyOf"/>).</summary>
    public static string BucketOf(NhsNumber nhsNumber) => INhsIndexGrain.KeyOf(nhsNumber);

    public async Task<string> Resolve(NhsNumber nhsNumber)
    {
        if (state.State.ClientIds.TryGetValue(nhsNumber.Digits, out var known)) return known;
        var clientId = Ids.New("c");
        await state.Commit(s => s.ClientIds = s.ClientIds.Add(nhsNumber.Digits, clientId));
        return clientId;
    }

    public Task<string?> Find(NhsNumber nhsNumber) =>
        Task.FromResult(state.State.ClientIds.TryGetValue(nhsNumber.Digits, out var id) ? id : null);
}
