namespace Buurtzorg.Grains.Security;

/// <summary>
/// One access to a client's record in the audit trail: who, in which role and team, when, what they did, and the
/// reason they stated where their role must state one. Append-only.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.access-record")]
public sealed record AccessRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string Subject,
    [property: Id(3)] Role Role,
    [property: Id(4)] string? TeamId,
    [property: Id(5)] string Action,
    [property: Id(6)] string? Reason)
{
    /// <summary>No reason text: it may describe a situation, and an access record may be logged.</summary>
    public override string ToString() => $"{Action} by {Caller.NameOf(Role)} {Subject} at {At:O}";
}

/// <summary>A page of a record's audit trail, and the position to ask for the next page from when more lines follow.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.access-page")]
public sealed record AccessPage([property: Id(0)] IReadOnlyList<AccessRecord> Lines, [property: Id(1)] long? NextAfter);
