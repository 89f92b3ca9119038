using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Buurtzorg.Domain.Common;
using Buurtzorg.Domain.Records;
using Buurtzorg.Domain.Teams;
using Buurtzorg.Fhir;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Buurtzorg.Api.Fhir.Rest;

/// <summary>
/// <c>POST /fhir/ServiceRequest</c>: a referral from a GP system, sent to the team whose neighbourhood holds the
/// patient's postcode (<see cref="ITeamDirectoryGrain"/>) as a <see cref="ITeamGrain.Refer"/>. The patient comes as a
/// contained Patient the subject points to (<c>"#p"</c>) with NHS number, name, birth date and address; the needs as
/// <c>orderDetail</c> codes of <see cref="NeedSystem"/>. Idempotent: the request id is derived from the
/// ServiceRequest's identifier, so the same referral sent twice is one referral (answered 201, then 200).
/// </summary>
internal static class ReferralIn
{
    public const string NeedSystem = "https://fhir.buurtzorg.example/CodeSystem/need";
    public const string ReferralSystem = "https://fhir.buurtzorg.example/Id/referral";
    public const string TeamSystem = "https://fhir.buurtzorg.example/Id/team";

    public const string NotCovered =
        "No Buurtzorg team's neighbourhood holds the patient's postcode, so no team was sent this referral. " +
        "Please refer the patient to their local community nursing service.";

    private static readonly BaseFhirJsonDeserializer Deserializer = new(ModelInfo.ModelInspector);

    /// <summary>The needs by code: the skill's name in kebab case (wound-care, medicines-administration…).</summary>
    public static readonly IReadOnlyDictionary<string, Skill> Needs = Enum.GetValues<Skill>()
        .ToDictionary(Code, skill => skill, StringComparer.Ordinal);

    public static string Code(Skill skill) =>
        string.Concat(skill.ToString().Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "-") + char.ToLowerInvariant(c) : c.ToString()));

    public static async Task<FhirAnswer> Receive(FhirCall call)
    {
        var http = call.Http.Request;
        if (!MediaTypeHeaderValue.TryParse(http.ContentType, out var type)
            || !(type.MediaType.Equals(FhirCall.MediaType, StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
            return FhirOutcomes.Refused(415, "Send the ServiceRequest as FHIR JSON (Content-Type: application/fhir+json).");
        if (await Body(http) is not { } body)
            return FhirOutcomes.Refused(413, $"The request is too large (at most {ApiRegistration.MaxRequestBytes / 1024} KB).");
        var request = Parse(body);
        var (requestId, command) = (RequestIdOf(request), Command(request, call.Clock.Today, call.Caller));

        var teamId = await call.Grains.GetGrain<ITeamDirectoryGrain>(ITeamDirectoryGrain.Key).TeamFor(command.Details.Postcode.Sector)
            ?? throw CareRuleException.Precondition(NotCovered, "OUTSIDE_FOOTPRINT");
        var asked = call.Clock.LocalNow;
        var referral = await call.Grains.GetGrain<ITeamGrain>(teamId).Refer(requestId, command);
        // A referral received before this request came is the same one sent again: answered as it stands, not made twice.
        var again = referral.ReceivedAt < asked;
        return new FhirAnswer(again ? 200 : 201, Answer(request, referral, teamId), $"{call.BaseUrl}/ServiceRequest/{referral.ReferralId}");
    }

    /// <summary>
    /// The request id of a ServiceRequest: derived from its first identifier that has both a system and a value, so a
    /// sender's retry is recognised whatever else changed, and two senders' identifiers never meet.
    /// </summary>
    public static string RequestIdOf(ServiceRequest request)
    {
        var identifier = request.Identifier.Find(i => !string.IsNullOrWhiteSpace(i.System) && !string.IsNullOrWhiteSpace(i.Value))
            ?? throw CareRuleException.Invalid("A referral needs an identifier with a system and a value, so that sending it again does not refer twice.");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{identifier.System!.Trim()}|{identifier.Value!.Trim()}"));
        return $"fhir-sr-{Convert.ToHexStringLower(hash.AsSpan(0, 20))}";
    }

    private static ServiceRequest Parse(string body)
    {
        Resource? resource;
        try
        {
            if (!Deserializer.TryDeserializeResource(body, out resource, out _)) resource = null;
        }
        catch (Exception e) when (e is JsonException or FormatException or DeserializationFailedException or ArgumentException)
        {
            resource = null;
        }
        // Nothing of the parser's own messages: they may quote the values they could not read.
        return resource switch
        {
            ServiceRequest request => request,
            null => throw CareRuleException.Invalid("The body is not a valid FHIR R4 resource in JSON; nothing was referred."),
            _ => throw CareRuleException.Invalid($"The body is a {resource.TypeName}, not a ServiceRequest; nothing was referred."),
        };
    }

    private static ReferCommand Command(ServiceRequest request, DateOnly today, Caller caller)
    {
        if (request.Status != RequestStatus.Active) throw CareRuleException.Invalid("Only an active ServiceRequest is a referral (status: active).");
        if (request.Intent is null) throw CareRuleException.Invalid("A referral states its intent (intent: order).");
        if (request.Requester is not { } requester
            || (string.IsNullOrWhiteSpace(requester.Reference) && string.IsNullOrWhiteSpace(requester.Display) && requester.Identifier is null))
            throw CareRuleException.Invalid("A referral names its requester (the referring clinician or practice).");
        if (!request.ReasonCode.Exists(c => !string.IsNullOrWhiteSpace(c.Text) || c.Coding.Count > 0) && request.ReasonReference.Count == 0)
            throw CareRuleException.Invalid("A referral says why the patient is referred (reasonCode).");
        var patient = Subject(request);
        var nhsNumber = NhsNumber.Parse(patient.Identifier.Find(i => i.System == FhirExport.NhsNumberSystem)?.Value
            ?? throw CareRuleException.Invalid($"The patient's NHS number is required (an identifier with system {FhirExport.NhsNumberSystem})."));
        var needs = request.OrderDetail.SelectMany(d => d.Coding).Where(c => c.System == NeedSystem)
            .Select(c => Needs.TryGetValue(c.Code ?? "", out var skill) ? skill
                : throw CareRuleException.Invalid($"An orderDetail of {NeedSystem} is not one of its codes ({string.Join(", ", Needs.Keys)})."))
            .Distinct().ToList();
        if (needs.Count == 0) throw CareRuleException.Invalid($"A referral names at least one need: an orderDetail coded in {NeedSystem}.");
        return new ReferCommand(ReferralSource.GeneralPractitioner, nhsNumber, Details(patient, today), needs, caller.Subject);
    }

    /// <summary>The contained Patient the subject points to: the details a referral brings must travel with it.</summary>
    private static Patient Subject(ServiceRequest request)
    {
        const string Usage = "Send the patient as a contained Patient that subject points to (\"reference\": \"#p\"), with NHS number, name, birth date and address.";
        var reference = request.Subject?.Reference;
        if (reference is not ['#', .. var id]) throw CareRuleException.Invalid(Usage);
        return request.Contained.OfType<Patient>().FirstOrDefault(p => p.Id == id) ?? throw CareRuleException.Invalid(Usage);
    }

    private static Demographics Details(Patient patient, DateOnly today)
    {
        var name = patient.Name.Find(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        var address = patient.Address.Find(a => a.Use == Address.AddressUse.Home) ?? patient.Address.FirstOrDefault();
        if (!DateOnly.TryParseExact(patient.BirthDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var born))
            throw CareRuleException.Invalid("The patient's birthDate must be a full date (1941-03-02).");
        if (born > today || born.Year < 1900) throw CareRuleException.Invalid("The patient's birthDate must be a past date after 1900.");
        return new Demographics(
            Text.Required(name?.Given.FirstOrDefault(), "The patient's given name"),
            Text.Required(name?.Family, "The patient's family name"),
            born,
            Text.Required(string.Join(", ", (address?.Line ?? []).Where(l => !string.IsNullOrWhiteSpace(l))), "The patient's address"),
            Postcode.Parse(address?.PostalCode),
            Text.Optional(patient.Telecom.Find(t => t.System == ContactPoint.ContactPointSystem.Phone)?.Value, "The patient's phone", 40));
    }

    /// <summary>The referral as it stands: the sender's identifiers and ours, its status, the patient's record and the team.</summary>
    private static ServiceRequest Answer(ServiceRequest sent, Referral referral, string teamId) => new()
    {
        Id = referral.ReferralId,
        Identifier = [.. sent.Identifier, new Identifier(ReferralSystem, referral.ReferralId)],
        Status = referral.Status switch
        {
            ReferralStatus.Admitted => RequestStatus.Completed,
            ReferralStatus.Declined => RequestStatus.Revoked,
            _ => RequestStatus.Active,
        },
        Intent = sent.Intent,
        Subject = new ResourceReference($"Patient/{referral.ClientId}"),
        Performer = [new ResourceReference { Identifier = new Identifier(TeamSystem, teamId) }],
        AuthoredOn = sent.AuthoredOn,
    };

    private static async Task<string?> Body(HttpRequest request)
    {
        if (request.ContentLength > ApiRegistration.MaxRequestBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > ApiRegistration.MaxRequestBytes) return null;
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
