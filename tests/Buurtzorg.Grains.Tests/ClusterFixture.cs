using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Buurtzorg.Domain.Teams;
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
            silo.Services.AddSingleton<IStepFaults>(Faults);
            // Stored in Orleans' binary format, as the durable silo stores it (the memory default is JSON).
            silo.AddMemoryGrainStorage(BuurtzorgStorage.Name, options => options.Configure<Orleans.Serialization.Serializer>((o, serializer) =>
                    o.GrainStorageSerializer = new Orleans.Storage.OrleansGrainStorageSerializer(serializer)))
                .UseInMemoryReminderService().AddBuurtzorgGrains();
            silo.Services.Configure<RecordReminderOptions>(o => o.Grace = TimeSpan.FromSeconds(1));
        })
        .ConfigureClient(client => client.AddBuurtzorgClient().AddOutgoingGrainCallFilter(ActAsTheTeamWould))
        .Build();

    /// <summary>The seal the silos trust; tests act as a caller by attaching one under it, as the gRPC layer does.</summary>
    public static readonly CallerSeal Seal = new(Enumerable.Repeat((byte)7, 32).ToArray());

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Fails a team's cross-grain step where a test asks (registered in every silo in place of the no-op).</summary>
    public static readonly FailOnce Faults = new();

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

    /// <summary>Acts as a current member of the team (the grains check membership), as the team's answers so far show.</summary>
    public static void ActAsNurseOf(string teamId) => ActAs(MemberOf(teamId));

    /// <summary>A member of each team seen, learned from the teams the grains answer with.</summary>
    private static readonly ConcurrentDictionary<string, string> Members = new(StringComparer.Ordinal);

    private static Caller MemberOf(string teamId) => new(Members.GetValueOrDefault(teamId, "nurse-test"), Role.Nurse, teamId);

    private static void Learn(object? result)
    {
        var team = result switch
        {
            Team t => t,
            ITuple { Length: > 0 } tuple => tuple[0] as Team,
            _ => null,
        };
        if (team is null || (Members.TryGetValue(team.Id, out var member) && team.Member(member) is not null)) return;
        if (team.Members.FirstOrDefault() is { } first) Members[team.Id] = first.NurseId;
        else Members.TryRemove(team.Id, out _);
    }

    /// <summary>
    /// Unless a test acts as someone, each call goes as whoever a team would send: the central office applies,
    /// approves, closes and registers; a member of the team calls the team grain, and its first nurse joins herself
    /// (the central office reads a team that has no members).
    /// </summary>
    private static async Task ActAsTheTeamWould(IOutgoingGrainCallContext context)
    {
        var office = new Caller("office-test", Role.CentralOffice, null);
        var method = context.InterfaceMethod?.Name;
        var caller = Acting.Value ?? (context.TargetId.Type.ToString(), method) switch
        {
            ("buurtzorg.team", nameof(ITeamGrain.Apply) or nameof(ITeamGrain.Approve) or nameof(ITeamGrain.Close)) => office,
            ("buurtzorg.team", nameof(ITeamGrain.Join)) when !Members.ContainsKey(context.TargetId.Key.ToString()!) =>
                new Caller((string)context.Request.GetArgument(1)!, Role.Nurse, context.TargetId.Key.ToString()),
            ("buurtzorg.team", nameof(ITeamGrain.Get)) when !Members.ContainsKey(context.TargetId.Key.ToString()!) => office,
            ("buurtzorg.team", _) => MemberOf(context.TargetId.Key.ToString()!),
            _ => office,
        };
        if (ReferenceEquals(caller, Nobody)) RequestContext.Remove(CallerSeal.ContextKey);
        else if (Forging.Value) ForgedSeal.Attach(caller);
        else Seal.Attach(caller);
        await context.Invoke();
        Learn(context.Result);
    }

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
