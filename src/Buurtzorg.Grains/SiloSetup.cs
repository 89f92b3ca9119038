using Buurtzorg.Grains.Audit;
using Buurtzorg.Grains.Journal;
using Buurtzorg.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;

namespace Buurtzorg.Grains;

public static class SiloSetup
{
    /// <summary>
    /// What every silo running Buurtzorg grains needs, whatever its storage: serialization, the access rules, a clock.
    /// The host registers the <see cref="CallerSeal"/> whose key its gRPC layer seals callers with; without one the
    /// silo makes up a key, and only its own grains' steps get through.
    /// </summary>
    public static ISiloBuilder AddBuurtzorgGrains(this ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter<RuleTranslationFilter>();
        silo.AddIncomingGrainCallFilter<AccessFilter>();
        silo.Services.TryAddSingleton(_ => new CallerSeal(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        silo.Services.TryAddSingleton<IAuditTrail, InMemoryAuditTrail>();
        silo.Services.AddSerializer(serializer => serializer.AddBuurtzorgDomain());
        silo.Services.TryAddSingleton(new CareClock());
        silo.Services.TryAddSingleton<IRecordJournal, InMemoryRecordJournal>();
        silo.Services.TryAddSingleton<IStepFaults, NoStepFaults>();
        silo.Services.AddOptions<RecordReminderOptions>();
        return silo;
    }

    /// <summary>What a client of the cluster needs to exchange domain values with the grains.</summary>
    public static IClientBuilder AddBuurtzorgClient(this IClientBuilder client)
    {
        client.Services.AddSerializer(serializer => serializer.AddBuurtzorgDomain());
        return client;
    }
}
