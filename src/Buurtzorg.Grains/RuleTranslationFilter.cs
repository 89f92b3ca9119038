using System.Data.Common;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Journal;

namespace Buurtzorg.Grains;

/// <summary>
/// Turns what a grain throws into what its caller can act on, on any silo: the domain's <see cref="CareRuleException"/>
/// into its serializable twin; a storage failure into <see cref="StorageUnavailableException"/>, which says that
/// nothing changed and a retry is safe.
/// </summary>
public sealed class RuleTranslationFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (CareRuleException e)
        {
            throw new RuleRefusedException(e.Violation, e.Message, e.Reason);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new StorageUnavailableException(
                "The care records store is not reachable just now. Nothing was saved; please try again in a moment.");
        }
    }

    private static bool IsStorageFailure(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbException or JournalConflictException or Orleans.Storage.InconsistentStateException or System.Net.Sockets.SocketException) return true;
        }
        return false;
    }
}
