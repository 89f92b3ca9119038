using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Grains;

/// <summary>
/// One change in a team's change log (SyncService.Changes): a client on the caseload as it now stands (with the card
/// and the record's version its record last reported), or a client who left (<see cref="Item"/> null).
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.caseload-change")]
public sealed record CaseloadChange(
    [property: Id(0)] long Position,
    [property: Id(1)] string ClientId,
    [property: Id(2)] CaseloadItem? Item,
    [property: Id(3)] long RecordVersion)
{
    public ListCursor Cursor => new(Position, ClientId);
}

/// <summary>
/// A page of what changed on a team since a position of its change log, in the order the changes were made.
/// <see cref="Reset"/>: the position was not one the log can answer from (none, forgotten, or not yet reached), so
/// every client on the caseload is listed. <see cref="Members"/>: the team, on the first page, when its members
/// changed since the position (or on a reset). <see cref="Position"/>: the log's latest position, the cursor to ask
/// from next once the last page (<see cref="Next"/> null) is read.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.caseload-changes")]
public sealed record CaseloadChanges(
    [property: Id(0)] bool Reset,
    [property: Id(1)] IReadOnlyList<CaseloadChange> Changes,
    [property: Id(2)] Team? Members,
    [property: Id(3)] ListCursor? Next,
    [property: Id(4)] long Position);
