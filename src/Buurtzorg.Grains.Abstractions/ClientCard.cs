using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;

namespace Buurtzorg.Grains;

/// <summary>
/// What a caseload list shows of a client, as the client's record last told its team: the name a nurse greets them by,
/// where they live, and their date of birth (the age is worked out on the day it is read). Patient-identifiable: kept
/// by the team for its own nurses only, never published, logged or counted. Bounded by the record's own limits on
/// each field (<see cref="Domain.Common.Text.ShortMax"/> characters), and at most one per client on the caseload.
/// </summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.client-card")]
public sealed record ClientCard(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string Postcode,
    [property: Id(2)] string AddressLine,
    [property: Id(3)] DateOnly DateOfBirth)
{
    /// <summary>The record's details as a card; null while the record has none.</summary>
    public static ClientCard? Of(CareRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Demographics is { } d
            ? new ClientCard($"{d.GivenName} {d.FamilyName}", d.Postcode.Value, d.AddressLine, d.DateOfBirth)
            : null;
    }

    /// <summary>
    /// Whole years on <paramref name="today"/> (the organisation's calendar); someone born on 29 February turns a year
    /// older on 1 March in a common year.
    /// </summary>
    public int AgeOn(DateOnly today) => Age(DateOfBirth, today);

    /// <inheritdoc cref="AgeOn"/>
    public static int Age(DateOnly dateOfBirth, DateOnly today)
    {
        var age = today.Year - dateOfBirth.Year;
        return (today.Month, today.Day).CompareTo((dateOfBirth.Month, dateOfBirth.Day)) < 0 ? age - 1 : age;
    }

    public override string ToString() => "Client card (hidden)";
}

/// <summary>A client on the caseload, with the card its record last reported (null until it has).</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.caseload-item")]
public sealed record CaseloadItem([property: Id(0)] CaseloadEntry Entry, [property: Id(1)] ClientCard? Card);

/// <summary>A page of the caseload, oldest admission first, and the team's capacity.</summary>
[GenerateSerializer, Immutable, Alias("buurtzorg.caseload-page")]
public sealed record CaseloadPage([property: Id(0)] Page<CaseloadItem> Page, [property: Id(1)] int Capacity);
