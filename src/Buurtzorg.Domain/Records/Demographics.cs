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

/// <summary>
/// Where confirmed details come from. In the NHS the Personal Demographics Service (PDS) is the authoritative source;
/// a referral's details are a claim until a nurse of the client's team confirms them.
/// </summary>
public enum DemographicsSource
{
    /// <summary>Looked up in the Personal Demographics Service by NHS number.</summary>
    PdsLookup = 1,

    /// <summary>The client, or their family or representative, told the nurse.</summary>
    ClientOrFamily,

    /// <summary>A referral's details, checked and found right.</summary>
    ReferralConfirmed,
}
