using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Grains.Audit;
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
/// without going through gRPC is held to the same rules. A nurse must also be a current member of the team her token
/// names: the team grain checks its own members, the team's other grains ask it (<see cref="ITeamGrain.IsMember"/>).
/// A refused call on a client's record is kept in the record's audit trail.
/// </summary>
public sealed class AccessFilter(CallerSeal seal, IGrainFactory grains, IAuditTrail audit, CareClock clock)
    : IIncomingGrainCallFilter
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
        if (!fromOurGrain && await Refusal(context, grainInterface) is { } refusal)
        {
            await Audit(context, grainInterface, refusal);
            throw refusal.Exception;
        }
        await context.Invoke();
    }

    private sealed record Refused(Caller? Caller, RuleRefusedException Exception);

    private async Task<Refused?> Refusal(IIncomingGrainCallContext context, Type grainInterface)
    {
        var caller = seal.Current();
        if (!AccessRules.TryGet(grainInterface, context.InterfaceMethod!.Name, out var listed) || listed is not { } operation)
            return new(caller, Denied("This step is taken by the team itself and cannot be called directly."));
        operation = AccessRules.Refine(operation, Argument(context, 0));
        var owner = context.TargetContext.GrainInstance as ITeamOwned;
        var team = owner is null ? context.TargetId.Key.ToString() : owner.OwningTeamId;
        var ownProfile = caller is not null && owner?.OwnSubject is { } subject && subject == caller.Subject
            && operation == Operation.ReadNurse;
        var nothingHeld = caller is not null && owner is { Exists: false }
            && operation is not (Operation.WriteRecord or Operation.RecordOutOfHoursVisit);
        if (ownProfile || nothingHeld) return null;
        var lookup = AccessRules.IsLookup(grainInterface, context.InterfaceMethod.Name);
        if (AccessPolicy.Decide(caller, operation, team, teamCheckedElsewhere: lookup) is { Allowed: false, Denial: var denial })
            return new(caller, Denied(denial!));
        if (AccessPolicy.NeedsMembership(caller!, operation) && (caller!.TeamId is null || !await IsMember(context, caller)))
            return new(caller, new(RuleViolation.PermissionDenied, AccessPolicy.NotAMember, AccessPolicy.NotAMemberReason));
        return null;
    }

    /// <summary>
    /// Whether the caller is a current member of the team their token names (the rules have checked that it is the
    /// team whose data this is). The team grain reads its own state; any other grain asks the team, interleaved.
    /// </summary>
    private async Task<bool> IsMember(IIncomingGrainCallContext context, Caller caller)
    {
        if (context.TargetContext.GrainInstance is TeamGrain target)
        {
            // No team yet: nothing to protect, and the grain answers NOT_FOUND. A team without members yet is joined by
            // its first nurses themselves, each joining herself (the first-week story).
            return target.Roster is not { } team
                || team.Member(caller.Subject) is not null
                || (team.Members.IsEmpty && context.InterfaceMethod!.Name == nameof(ITeamGrain.Join)
                    && Argument(context, 1) as string == caller.Subject);
        }
        return await grains.GetGrain<ITeamGrain>(caller.TeamId!).IsMember(caller.Subject) is not false;
    }

    /// <summary>
    /// A refused call on a client's record goes into its audit trail: who, role, team, when and what, never anything
    /// of the record. One short line per attempt, only for a record that exists and a caller under the silos' seal,
    /// so a flood of refusals writes no more than the requests that carried them.
    /// </summary>
    private async Task Audit(IIncomingGrainCallContext context, Type grainInterface, Refused refusal)
    {
        if (grainInterface != typeof(IClientGrain) || refusal.Caller is not { } caller) return;
        if (context.TargetContext.GrainInstance is not ITeamOwned { Exists: true }) return;
        var attempted = (context.InterfaceMethod!.Name, Argument(context, 0)) switch
        {
            (nameof(IClientGrain.Get), _) => "read record",
            (nameof(IClientGrain.History), _) => "read history",
            (nameof(IClientGrain.Entry), _) => "read entry",
            (nameof(IClientGrain.Accesses), _) => "read accesses",
            (nameof(IClientGrain.Append) or nameof(IClientGrain.AppendOffline), RecordEntry entry) => $"write {entry.Kind}",
            (var method, _) => method,
        };
        var clientId = context.TargetId.Key.ToString()!;
        await audit.Record(new AccessRecord(clock.LocalNow, clientId, caller.Subject, caller.Role, caller.TeamId, $"denied {attempted}", null));
    }

    private static object? Argument(IIncomingGrainCallContext context, int index) =>
        context.Request.GetArgumentCount() > index ? context.Request.GetArgument(index) : null;

    private static RuleRefusedException Denied(string message) => new(RuleViolation.PermissionDenied, message, "PERMISSION_DENIED");
}
