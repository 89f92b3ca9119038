using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Buurtzorg.Api.Security;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Buurtzorg.Api.Fhir.Rest;

/// <summary>
/// One request to the FHIR REST face, checked as a gRPC call is: a valid bearer token (else 401), a known role, the
/// access rules for what it does (<see cref="AccessPolicy"/>, else 403), the caller sealed into the grain calls it makes
/// (so the grains check it again against their own data, and audit the reads), and every failure answered as an
/// OperationOutcome by the one mapping of failures.
/// </summary>
internal sealed class FhirCall(HttpContext http, Caller caller)
{
    public const string MediaType = "application/fhir+json";

    private const string PageParameter = "_page";

    private static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    // A FHIR client reads JSON, not HTML: apostrophes and offsets' '+' as they are, not as \u0027 and \u002B.
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public HttpContext Http => http;

    public Caller Caller => caller;

    public IGrainFactory Grains => http.RequestServices.GetRequiredService<IGrainFactory>();

    public FhirRecordReader Records => http.RequestServices.GetRequiredService<FhirRecordReader>();

    public CareClock Clock => http.RequestServices.GetRequiredService<CareClock>();

    /// <summary>The base of this server's resource URLs, as the caller reached it.</summary>
    public string BaseUrl => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{FhirRest.Root}";

    /// <summary>
    /// Runs <paramref name="handle"/> for an authenticated caller the rules allow to do <paramref name="operation"/>
    /// (the team is checked by the grain that holds the data, as for a gRPC request that names no team).
    /// </summary>
    public static async System.Threading.Tasks.Task Serve(HttpContext http, Operation operation, Func<FhirCall, Task<FhirAnswer>> handle, bool write = false)
    {
        FhirAnswer answer;
        try
        {
            answer = Admit(http, operation) ?? await handle(new FhirCall(http, CallerOf(http)!));
        }
        catch (Exception e)
        {
            var errors = new ErrorInterceptor(http.RequestServices.GetRequiredService<ILogger<ErrorInterceptor>>());
            // Named by the route's pattern, never by the path, which may carry a record's id.
            var name = $"FHIR {http.Request.Method} {(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText}";
            answer = FhirOutcomes.Of(errors.Answer(e, name, write));
        }
        await Write(http, answer);
    }

    public static async System.Threading.Tasks.Task Write(HttpContext http, FhirAnswer answer)
    {
        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = $"{MediaType}; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        if (answer.Location is not null) http.Response.Headers.Location = answer.Location;
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body, Relaxed)) Serializer.Serialize(answer.Resource, writer);
        await http.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
    }

    /// <summary>The refusal of a request that may not go on; null when it may (the caller is then sealed in).</summary>
    private static FhirAnswer? Admit(HttpContext http, Operation operation)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return FhirOutcomes.Refused(401, "This request needs a valid bearer token (Authorization: Bearer …).");
        }
        if (CallerOf(http) is not { } caller) return FhirOutcomes.Refused(403, CallerClaims.NoKnownRole);
        if (AccessPolicy.Decide(caller, operation, null, teamCheckedElsewhere: true) is { Allowed: false, Denial: var denial })
            return FhirOutcomes.Refused(403, denial!);
        http.RequestServices.GetRequiredService<CallerSeal>().Attach(caller);
        return null;
    }

    private static Caller? CallerOf(HttpContext http) =>
        CallerClaims.From(http.User, http.Request.Headers[AccessInterceptor.ReasonHeader].FirstOrDefault());

    /// <summary>The one value of a search parameter (null when absent); given twice, 400.</summary>
    public string? Single(string name)
    {
        var values = http.Request.Query[name];
        if (values.Count > 1) throw CareRuleException.Invalid($"The search parameter {name} is given more than once.");
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>The page size asked for (<c>_count</c>): 1 to <paramref name="max"/>, <paramref name="byDefault"/> when absent.</summary>
    public int Count(int byDefault, int max)
    {
        var given = Single("_count");
        if (given is null) return byDefault;
        return int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 && count <= max
            ? count
            : throw CareRuleException.Invalid($"_count must be a whole number from 1 to {max}.");
    }

    /// <summary>The position a <c>next</c> link of <paramref name="list"/> carries; null for the first page.</summary>
    public ListCursor? After(string list)
    {
        try
        {
            return Paging.Cursor(Single(PageParameter), list);
        }
        catch (CareRuleException)
        {
            throw CareRuleException.Invalid("_page is not one this service gave out: ask for the first page again (without _page).");
        }
    }

    /// <summary>A searchset of one page, with its self link, its next link when more follow, and the total.</summary>
    public Bundle Page(IEnumerable<Bundle.EntryComponent> entries, int total, ListCursor? next, string list)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.Searchset,
            Total = total,
            Timestamp = DateTimeOffset.UtcNow,
            Entry = [.. entries],
        };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = Link(Single(PageParameter)) });
        if (next is not null) bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Link(Paging.Token(next, list)) });
        return bundle;
    }

    /// <summary>A search entry with the resource's own URL on this server.</summary>
    public Bundle.EntryComponent Entry(Resource resource, Bundle.SearchEntryMode mode) => new()
    {
        FullUrl = resource.Id is { Length: > 0 } id ? $"{BaseUrl}/{resource.TypeName}/{id}" : $"urn:uuid:{Guid.NewGuid()}",
        Resource = resource,
        Search = new Bundle.SearchComponent { Mode = mode },
    };

    /// <summary>This request's URL with its page token replaced.</summary>
    private string Link(string? pageToken)
    {
        var query = http.Request.Query.Where(p => p.Key != PageParameter)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .ToList();
        if (!string.IsNullOrEmpty(pageToken)) query.Add(new(PageParameter, pageToken));
        return $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{QueryString.Create(query)}";
    }
}
