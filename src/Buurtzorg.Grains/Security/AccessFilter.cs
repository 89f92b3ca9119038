using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Grains;

/// <summary>A grain whose data belongs to a team: the access rules ask it which.</summary>
internal interface ITeamOwned
{
    /// <summary>False while the grain holds no data: there is nothing to protect, and it answers NOT_FOUND itself.</summary>
    bool Exists { get; }

    /// <summary>The team whose data this grain holds now, or null when it belongs to none.</summary>
    string? OwningTeamId { get; }

    /// <summary>The nurse the grain is about, who may always read their own profile.</summary>
    string? OwnSubject => null;
}

/// <summary>
/// The access rules again, at the grains: every call to a Buurtzorg grain must carry a sealed caller the rules allow,
/// unless one of our grains makes it as a step of a decision already allowed. So a caller that reaches the grains
/// without going through gRPC is held to the same rules.
/// </summary>
public sealed class AccessFilter(CallerSeal seal) : IIncomingGrainCallFilter
{
    private const string OurGrainTypes = "buurtzorg.";

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var grainInterface = context.InterfaceMethod?.DeclaringType;
        if (grainInterface is null || !AccessRules.Governs(grainInterface))
        {
            await context.Invoke();
            return;
        }

        var fromOurGrain = context.SourceId is { } source && source.Type.ToString()!.StartsWith(OurGrainTypes, StringComparison.Ordinal);
        if (!fromOurGrain)
        {
            if (!AccessRules.TryGet(grainInterface, context.InterfaceMethod!.Name, out var listed) || listed is not { } operation)
                throw Denied("This step is taken by the team itself and cannot be called directly.");
            operation = AccessRules.Refine(operation, context.Request.GetArgumentCount() > 0 ? context.Request.GetArgument(0) : null);
            var caller = seal.Current();
            var owner = context.TargetContext.GrainInstance as ITeamOwned;
            var team = owner is null ? context.TargetId.Key.ToString() : owner.OwningTeamId;
            var ownProfile = caller is not null && owner?.OwnSubject is { } subject && subject == caller.Subject && operation == Operation.ReadNurse;
            var nothingHeld = caller is not null && owner is { Exists: false } && operation is not (Operation.WriteRecord or Operation.RecordOutOfHoursVisit);
            if (!ownProfile && !nothingHeld && AccessPolicy.Decide(caller, operation, team) is { Allowed: false, Denial: var denial })
                throw Denied(denial!);
        }
        await context.Invoke();
    }

    private static RuleRefusedException Denied(string message) => new(RuleViolation.PermissionDenied, message, "PERMISSION_DENIED");
}
