using Buurtzorg.Grains;
using Buurtzorg.Storage.Journal;

// Types that break the layering on purpose, so the tests can show a rule failing and naming them. Nothing uses them.
namespace Buurtzorg.Architecture.Tests.DeliberatelyBad;

/// <summary>Breaks the domain rule: a care rule answering in gRPC's terms.</summary>
public sealed class DomainRuleUsingGrpc
{
    public Grpc.Core.StatusCode Refusal { get; init; } = Grpc.Core.StatusCode.FailedPrecondition;
}

/// <summary>Breaks the API rule: a service holding a grain class, not its interface.</summary>
public sealed class ServiceCallingAGrainClass
{
    public TeamGrain? Team { get; init; }
}

/// <summary>Breaks the storage rule: something other than the host opening the journal.</summary>
public sealed class ServiceOpeningTheJournal
{
    public PostgresRecordJournal? Journal { get; init; }
}

/// <summary>Breaks the client rule: a client type reaching into the server's token issuer.</summary>
public sealed class ClientReadingAServerType
{
    public Api.Security.TokenIssuer? Issuer { get; init; }
}

/// <summary>Breaks nothing.</summary>
public sealed class WellBehaved
{
    public string Name { get; init; } = "";
}
