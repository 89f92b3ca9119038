using System.Reflection;
using Buurtzorg.Architecture.Tests.DeliberatelyBad;
using NetArchTest.Rules;

namespace Buurtzorg.Architecture.Tests;

/// <summary>
/// The dependency rules of docs/DESIGN.md and STYLE.md ("dependencies point inward") over the built assemblies. A
/// broken rule fails naming every type that breaks it; <see cref="A_broken_rule_names_the_type_that_breaks_it"/>
/// shows that on types of this project that break the rules on purpose.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Assembly Domain = Load("Buurtzorg.Domain");
    private static readonly Assembly Abstractions = Load("Buurtzorg.Grains.Abstractions");
    private static readonly Assembly Grains = Load("Buurtzorg.Grains");
    private static readonly Assembly Api = Load("Buurtzorg.Api");
    private static readonly Assembly Storage = Load("Buurtzorg.Storage");
    private static readonly Assembly Client = Load("Buurtzorg.Client");
    private static readonly Assembly Silo = Load("Buurtzorg.Silo");
    private static readonly Assembly Baseline = Load("Buurtzorg.Baseline");
    private static readonly Assembly Simulator = Load("Buurtzorg.Simulator");

    /// <summary>What the domain rules may not know: the actor runtime, the wire, the web host, the database.</summary>
    private static readonly string[] Infrastructure = ["Orleans", "Grpc", "Google.Protobuf", "Microsoft.AspNetCore", "Npgsql"];

    /// <summary>
    /// Besides the host, the projects allowed to reference Storage, and why. The simulator's storage benchmarks measure
    /// the storage itself: <c>history</c> writes fixture journals in bulk through <c>PostgresRecordJournal</c> while
    /// every silo is stopped, and <c>record-open</c> / <c>bytes</c> time its <c>Load</c> against the gRPC read.
    /// </summary>
    private static readonly Dictionary<Assembly, string> StorageUsers = new()
    {
        [Silo] = "the host wires storage into the silo",
        [Simulator] = "its benchmarks measure the storage implementation itself",
    };

    [Fact]
    public void The_domain_uses_no_Orleans_gRPC_ASP_NET_or_Npgsql() =>
        Holds(DomainRule(Types.InAssembly(Domain).Should()), "The domain uses no Orleans, gRPC, ASP.NET or Npgsql");

    [Fact]
    public void The_api_uses_grain_interfaces_never_grain_classes()
    {
        Assert.DoesNotContain(Api.GetReferencedAssemblies(), reference => reference.Name == Grains.GetName().Name);
        Holds(ApiRule(Types.InAssembly(Api).Should()), "The API uses grain interfaces, never grain classes");
    }

    [Fact]
    public void Nothing_but_the_host_and_the_tests_references_storage()
    {
        foreach (var assembly in new[] { Domain, Abstractions, Grains, Api, Client, Baseline })
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), reference => reference.Name == Storage.GetName().Name);
            Holds(StorageRule(Types.InAssembly(assembly).Should()), $"{assembly.GetName().Name} does not use Buurtzorg.Storage");
        }
        Assert.All(StorageUsers.Values, reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
    }

    [Fact]
    public void The_client_references_no_server_project()
    {
        string[] server = ["Buurtzorg.Api", "Buurtzorg.Grains", "Buurtzorg.Grains.Abstractions", "Buurtzorg.Domain", "Buurtzorg.Storage",
            "Buurtzorg.Silo", "Buurtzorg.Baseline", "Buurtzorg.Simulator"];
        var references = Client.GetReferencedAssemblies().Select(r => r.Name).ToList();
        Assert.Empty(references.Intersect(server));
        Holds(ClientRule(Types.InAssembly(Client).Should()), "The client references no server project");
    }

    [Fact]
    public void A_broken_rule_names_the_type_that_breaks_it()
    {
        Conditions Bad() => Types.InAssembly(typeof(DomainRuleUsingGrpc).Assembly).That().ResideInNamespace(typeof(DomainRuleUsingGrpc).Namespace).Should();

        var domain = Assert.Throws<Xunit.Sdk.TrueException>(() => Holds(DomainRule(Bad()), "The domain uses no gRPC"));
        var api = Assert.Throws<Xunit.Sdk.TrueException>(() => Holds(ApiRule(Bad()), "The API uses no grain class"));
        var storage = Assert.Throws<Xunit.Sdk.TrueException>(() => Holds(StorageRule(Bad()), "No storage"));
        var client = Assert.Throws<Xunit.Sdk.TrueException>(() => Holds(ClientRule(Bad()), "The client uses no server type"));

        Assert.Contains(typeof(DomainRuleUsingGrpc).FullName!, domain.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ServiceCallingAGrainClass).FullName!, api.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ServiceOpeningTheJournal).FullName!, storage.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ClientReadingAServerType).FullName!, client.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(WellBehaved).FullName!, domain.Message, StringComparison.Ordinal);
    }

    private static ConditionList DomainRule(Conditions types) => types.NotHaveDependencyOnAny(Infrastructure);

    /// <summary>Grain classes: the types of the grains' implementation, named one by one (interfaces share its namespaces).</summary>
    private static string[] GrainClasses() =>
        [.. Grains.GetTypes().Where(t => t is { IsClass: true, DeclaringType: null } && t.Namespace?.StartsWith("Buurtzorg", StringComparison.Ordinal) == true)
            .Select(t => t.FullName!)];

    private static ConditionList ApiRule(Conditions types) => types.NotHaveDependencyOnAny(GrainClasses());

    private static ConditionList StorageRule(Conditions types) => types.NotHaveDependencyOn("Buurtzorg.Storage");

    /// <summary>
    /// Server types the client must not touch. The client's own messages share the protos' namespace
    /// (Buurtzorg.Api.V1), so the server's API types are named one by one rather than by namespace.
    /// </summary>
    private static string[] ServerTypes() =>
        [
            "Buurtzorg.Grains", "Buurtzorg.Domain", "Buurtzorg.Storage", "Buurtzorg.Silo", "Buurtzorg.Baseline", "Orleans",
            "Microsoft.AspNetCore", "Npgsql",
            .. Api.GetTypes().Where(t => t.DeclaringType is null && t.Namespace is { } ns && ns.StartsWith("Buurtzorg.Api", StringComparison.Ordinal)
                && ns != "Buurtzorg.Api.V1").Select(t => t.FullName!),
        ];

    private static ConditionList ClientRule(Conditions types) => types.NotHaveDependencyOnAny(ServerTypes());

    private static void Holds(ConditionList rule, string statement)
    {
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, $"{statement}; broken by: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));
}
