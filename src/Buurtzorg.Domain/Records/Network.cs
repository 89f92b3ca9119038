namespace Buurtzorg.Domain.Records;

public enum NetworkKind
{
    Informal = 1,
    Formal,
}

/// <summary>Who someone is to the client. The first six roles are informal, the rest formal.</summary>
public enum NetworkRole
{
    Family = 1,
    Carer,
    Neighbour,
    Friend,
    VoluntaryGroup,
    FaithCommunity,
    GeneralPractitioner,
    SocialWorker,
    Pharmacy,
    Hospital,
    Therapist,
    OtherProfessional,
}

public enum ContactPreference
{
    Phone = 1,
    Email,
    Post,
    InPerson,
}

public static class NetworkCatalogue
{
    public static NetworkKind KindOf(NetworkRole role) =>
        role <= NetworkRole.FaithCommunity ? NetworkKind.Informal : NetworkKind.Formal;
}
