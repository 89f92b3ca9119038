using Hl7.Fhir.Model;

namespace Buurtzorg.Api.Fhir.Rest;

/// <summary><c>GET /fhir/metadata</c>: what this server serves, as a CapabilityStatement.</summary>
internal static class Capability
{
    private const string EverythingDefinition = "http://hl7.org/fhir/OperationDefinition/Patient-everything";

    public static CapabilityStatement Statement() => new()
    {
        Status = PublicationStatus.Active,
        Date = "2026-12-03",
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "Buurtzorg.Grains" },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = [FhirCall.MediaType],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "The same bearer tokens and rules as the gRPC API: a client's own team reads its record, the out-of-hours "
                    + "service with a stated reason (header x-access-reason); a referrer (a GP system) sends referrals. Every read is audited.",
                Security = new CapabilityStatement.SecurityComponent
                {
                    Description = "OAuth2-style bearer tokens (Authorization: Bearer …) from the organisation's identity provider.",
                },
                Resource =
                [
                    Resource("Patient", [CapabilityStatement.TypeRestfulInteraction.SearchType],
                        [("identifier", SearchParamType.Token, "NHS number: https://fhir.nhs.uk/Id/nhs-number|<number>")],
                        [new CapabilityStatement.OperationComponent { Name = "everything", Definition = EverythingDefinition }]),
                    Resource("Encounter", [CapabilityStatement.TypeRestfulInteraction.SearchType],
                        [
                            ("patient", SearchParamType.Reference, "The patient's id (required)"),
                            ("date", SearchParamType.Date, "The visit's start: eq, ge, gt, le, lt; a day is a day on the care clock (Europe/London)"),
                        ],
                        []),
                    Resource("ServiceRequest", [CapabilityStatement.TypeRestfulInteraction.Create], [], []),
                ],
            },
        ],
    };

    private static CapabilityStatement.ResourceComponent Resource(string type, CapabilityStatement.TypeRestfulInteraction[] interactions,
        (string Name, SearchParamType Type, string Documentation)[] parameters, List<CapabilityStatement.OperationComponent> operations) => new()
        {
            Type = type,
            Interaction = [.. interactions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i })],
            SearchParam = [.. parameters.Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Name, Type = p.Type, Documentation = p.Documentation })],
            Operation = operations,
        };
}
