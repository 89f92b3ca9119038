using Buurtzorg.Domain.Common;

namespace Buurtzorg.Grains;

/// <summary>
/// Turns the domain's <see cref="CareRuleException"/> into its serializable twin as it leaves a grain, so a refusal
/// reaches the caller with its kind and reason on any silo.
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
    }
}
