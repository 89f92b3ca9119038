using System.Data.Common;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Journal;

namespace Buurtzorg.Grains;

/// <summary>
/// Turns what a grain throws into what its caller can act on, on any silo: the domain's <see cref="CareRuleException"/>
/// into its serializable twin; a storage failure into <see cref="StorageUnavailableException"/>, which says that
/// nothing changed and a retry is safe. A version conflict also deactivates the grain, which heals on its next call.
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
        catch (Exception e) when (IsVersionConflict(e))
        {
            // The activation holds state older than what is stored (another activation wrote meanwhile, or a row was
            // restored): it deactivates, so the next call loads what storage holds instead of failing the same way
            // for as long as the grain stays busy.
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError,
                "Its state is older than what is stored; the next activation reloads it."));
            throw new StorageUnavailableException(
                "The record changed elsewhere just now. Nothing was saved; please try again.");
        }
        catch (Exception e) when (StorageUnavailableException.Within(e) is { } unavailable)
        {
            // Orleans wraps what grain storage throws in its own exception: the caller gets the honest one inside.
            if (unavailable.OutcomeUnknown && !unavailable.FinishedByItself)
            {
                // The connection broke while a write was being committed: the activation cannot know what storage
                // holds, so it goes, and the caller's retry with the same request id meets what was really saved.
                context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError,
                    "A write's outcome is unknown; the next activation reads what was saved."));
            }
            if (ReferenceEquals(unavailable, e)) throw;
            throw unavailable;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new StorageUnavailableException(
                "The care records store is not reachable just now. Nothing was saved; please try again in a moment.");
        }
    }

    /// <summary>A write refused because storage holds a newer version than the grain's (a grain state or a journal).</summary>
    internal static bool IsVersionConflict(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is JournalConflictException or Orleans.Storage.InconsistentStateException) return true;
        }
        return false;
    }

    private static bool IsStorageFailure(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbException or System.Net.Sockets.SocketException) return true;
        }
        return false;
    }
}
