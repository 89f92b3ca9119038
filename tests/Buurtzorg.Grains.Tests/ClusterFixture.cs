using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Buurtzorg.Grains.Tests;

/// <summary>One in-process cluster of two silos, shared by every grain test: calls cross silos as in production.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; } = new InProcessTestClusterBuilder(2)
        .ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(Seal);
            silo.AddMemoryGrainStorage(BuurtzorgStorage.Name).UseInMemoryReminderService().AddBuurtzorgGrains();
            silo.Services.Configure<RecordReminderOptions>(o => o.Grace = TimeSpan.FromSeconds(1));
        })
        .ConfigureClient(client => client.AddBuurtzorgClient().AddOutgoingGrainCallFilter(ActAsTheTeamWould))
        .Build();

    /// <summary>The seal the silos trust; tests act as a caller by attaching one under it, as the gRPC layer does.</summary>
    public static readonly CallerSeal Seal = new(Enumerable.Repeat((byte)7, 32).ToArray());

    public IGrainFactory Grains => Cluster.Client;

    private static readonly AsyncLocal<Caller?> Acting = new();

    /// <summary>Makes the following grain calls of this test as <paramref name="caller"/>, whatever they are.</summary>
    public static void ActAs(Caller? caller)
    {
        Acting.Value = caller;
        Forging.Value = false;
    }

    /// <summary>A caller the silos cannot trust: no identity at all, or one sealed with a key they do not hold.</summary>
    public static readonly Caller Nobody = new("nobody", Role.Operator, null);

    public static readonly CallerSeal ForgedSeal = new(Enumerable.Repeat((byte)9, 32).ToArray());

    private static readonly AsyncLocal<bool> Forging = new();

    public static void ActAsForger(Caller caller)
    {
        Acting.Value = caller;
        Forging.Value = true;
    }

    public static void ActAsNurseOf(string teamId) => ActAs(new Caller("nurse-test", Role.Nurse, teamId));

    /// <summary>
    /// Unless a test acts as someone, each call goes as whoever a team would send: the central office applies,
    /// approves, closes and registers; a nurse of the team calls the team grain.
    /// </summary>
    private static async Task ActAsTheTeamWould(IOutgoingGrainCallContext context)
    {
        var office = new Caller("office-test", Role.CentralOffice, null);
        var method = context.InterfaceMethod?.Name;
        var caller = Acting.Value ?? (context.TargetId.Type.ToString(), method) switch
        {
            ("buurtzorg.team", nameof(ITeamGrain.Apply) or nameof(ITeamGrain.Approve) or nameof(ITeamGrain.Close)) => office,
            ("buurtzorg.team", _) => new Caller("nurse-test", Role.Nurse, context.TargetId.Key.ToString()),
            _ => office,
        };
        if (ReferenceEquals(caller, Nobody)) RequestContext.Remove(CallerSeal.ContextKey);
        else if (Forging.Value) ForgedSeal.Attach(caller);
        else Seal.Attach(caller);
        await context.Invoke();
    }

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
