using System.Globalization;
using Buurtzorg.Domain.Common;
using Buurtzorg.Fhir;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Buurtzorg.Api.Fhir.Rest;

/// <summary>
/// The record's FHIR R4 face over plain HTTP/1.1 (JSON, <c>application/fhir+json</c>), on the host's HTTP/1.1 port
/// (<c>Web:Port</c>, beside the central office's page: the gRPC port speaks only HTTP/2 without TLS, which curl and most
/// integration engines do not speak by default). Same tokens and rules as gRPC; every read of a record is audited by the
/// record itself. See docs/INTEROPERABILITY.md, "The REST face".
/// </summary>
public static class FhirRest
{
    public const string Root = "/fhir";

    /// <summary>Resources a page of <c>$everything</c> holds by default, and at most (a 5,000-entry record is a few pages).</summary>
    public const int EverythingPage = 500;

    public const int EverythingMax = 1000;

    /// <summary>Encounters a page of an Encounter search holds by default, and at most.</summary>
    public const int EncounterPage = 50;

    public const int EncounterMax = 500;

    /// <summary>Maps the face on the HTTP/1.1 port; without one (<c>Web:Port</c> unset) there is no REST face.</summary>
    public static IEndpointRouteBuilder MapFhirRest(this IEndpointRouteBuilder endpoints, int? port)
    {
        if (port is null) return endpoints;
        var fhir = endpoints.MapGroup(Root).RequireHost(string.Create(CultureInfo.InvariantCulture, $"*:{port}"));
        // What the server offers holds no patient data: open, as FHIR clients expect to read it before signing in.
        fhir.MapGet("/metadata", (HttpContext http) => FhirCall.Write(http, new FhirAnswer(200, Capability.Statement())));
        fhir.MapGet("/Patient", (HttpContext http) => FhirCall.Serve(http, Operation.ReadRecord, SearchPatients));
        fhir.MapGet("/Patient/{id}/$everything", (HttpContext http, string id) => FhirCall.Serve(http, Operation.ReadRecord, call => Everything(call, id)));
        fhir.MapGet("/Encounter", (HttpContext http) => FhirCall.Serve(http, Operation.ReadRecord, SearchEncounters));
        fhir.MapPost("/ServiceRequest", (HttpContext http) => FhirCall.Serve(http, Operation.Refer, ReferralIn.Receive, write: true));
        fhir.Map("/{**rest}", (HttpContext http) => FhirCall.Write(http, FhirOutcomes.Refused(404,
            "This server does not serve that. It answers GET metadata, GET Patient?identifier=, GET Patient/{id}/$everything, GET Encounter?patient= and POST ServiceRequest.")));
        return endpoints;
    }

    /// <summary><c>GET /fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|…</c>: 0 or 1 Patient.</summary>
    private static async Task<FhirAnswer> SearchPatients(FhirCall call)
    {
        const string Usage = $"Patients are searched by NHS number: identifier={FhirExport.NhsNumberSystem}|<NHS number>.";
        var identifier = call.Single("identifier") ?? throw CareRuleException.Invalid(Usage);
        var bar = identifier.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0 || identifier[..bar] != FhirExport.NhsNumberSystem) throw CareRuleException.Invalid(Usage);
        var nhsNumber = NhsNumber.Parse(identifier[(bar + 1)..]);
        var clientId = await call.Grains.GetGrain<INhsIndexGrain>(INhsIndexGrain.KeyOf(nhsNumber)).Find(nhsNumber);
        var entries = new List<Bundle.EntryComponent>();
        if (clientId is not null)
        {
            // Read as an export reads it, so the Patient is the one $everything gives; the record checks the team and audits.
            var source = await call.Records.Read(clientId);
            entries.Add(call.Entry(FhirExport.Patient(source.Record), Bundle.SearchEntryMode.Match));
        }
        return new FhirAnswer(200, call.Page(entries, entries.Count, null, "patients"));
    }

    /// <summary>
    /// <c>GET /fhir/Patient/{id}/$everything</c>: the whole record, a page of <c>_count</c> resources at a time (the
    /// Patient first), in the export's order, with a <c>next</c> link while more follow.
    /// </summary>
    private static async Task<FhirAnswer> Everything(FhirCall call, string id)
    {
        var clientId = Ids.Parse(id, "The patient id");
        var count = call.Count(EverythingPage, EverythingMax);
        var list = $"everything-{clientId}";
        var from = (int)Math.Min(call.After(list)?.Key ?? 0, int.MaxValue);
        var source = await call.Records.Read(clientId);
        var resources = FhirExport.Everything(source).Entry.Select(e => e.Resource).OfType<Resource>().ToList();
        var page = resources.Skip(from).Take(count)
            .Select(r => call.Entry(r, r is Patient ? Bundle.SearchEntryMode.Match : Bundle.SearchEntryMode.Include));
        var next = from + count < resources.Count ? new ListCursor(from + count, "e") : null;
        return new FhirAnswer(200, call.Page(page, resources.Count, next, list));
    }

    /// <summary>
    /// <c>GET /fhir/Encounter?patient={id}&amp;date=ge…&amp;date=le…&amp;_count=…</c>: the patient's visits whose start lies
    /// in the dates (days on the care clock), oldest first, a page at a time.
    /// </summary>
    private static async Task<FhirAnswer> SearchEncounters(FhirCall call)
    {
        var patient = call.Single("patient") ?? throw CareRuleException.Invalid("Encounters are searched for one patient: patient=<id>.");
        var clientId = Ids.Parse(patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient["Patient/".Length..] : patient, "The patient id");
        var dates = EncounterDates.Parse(call.Http.Request.Query["date"], call.Clock);
        var count = call.Count(EncounterPage, EncounterMax);
        var list = $"encounters-{clientId}";
        var after = call.After(list);
        var source = await call.Records.Read(clientId);
        var matching = FhirExport.Encounters(source)
            .Select(encounter => (Encounter: encounter, Start: StartOf(encounter)))
            .Where(e => dates.Hold(e.Start))
            .OrderBy(e => e.Start.UtcTicks).ThenBy(e => e.Encounter.Id, StringComparer.Ordinal)
            .ToList();
        var rest = after is null ? matching : matching.Where(e => e.Start.UtcTicks > after.Key
            || (e.Start.UtcTicks == after.Key && string.CompareOrdinal(e.Encounter.Id, after.Id) > 0)).ToList();
        var page = rest.Take(count).ToList();
        var next = rest.Count > count ? ListCursor.At(page[^1].Start, page[^1].Encounter.Id ?? "") : null;
        return new FhirAnswer(200, call.Page(page.Select(e => call.Entry(e.Encounter, Bundle.SearchEntryMode.Match)), matching.Count, next, list));
    }

    private static DateTimeOffset StartOf(Encounter encounter) =>
        encounter.Period?.StartElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MinValue;
}
