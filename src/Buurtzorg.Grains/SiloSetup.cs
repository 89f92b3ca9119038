using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Buurtzorg.Grains.Journal;
using Orleans.Serialization;

namespace Buurtzorg.Grains;

public static class SiloSetup
{
    /// <summary>What every silo running Buurtzorg grains needs, whatever its storage: serialization, filters, a clock.</summary>
    public static ISiloBuilder AddBuurtzorgGrains(this ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter<RuleTranslationFilter>();
        silo.Services.AddSerializer(serializer => serializer.AddBuurtzorgDomain());
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<IRecordJournal, InMemoryRecordJournal>();
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
