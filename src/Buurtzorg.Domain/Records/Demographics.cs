using Buurtzorg.Domain.Common;

namespace Buurtzorg.Domain.Records;

/// <summary>Who the client is and where they live. Patient-identifiable: <see cref="ToString"/> prints none of it.</summary>
public sealed record Demographics(
    string GivenName,
    string FamilyName,
    DateOnly DateOfBirth,
    string AddressLine,
    Postcode Postcode,
    string? Phone)
{
    public override string ToString() => "Demographics (hidden)";
}
