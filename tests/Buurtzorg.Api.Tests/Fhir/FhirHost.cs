using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Buurtzorg.Api.Tests.Fhir;

/// <summary>
/// The real host with its HTTP/1.1 port (<c>Web:Port</c>) open, as <c>dotnet run -- --Web:Port 8080</c> starts it; the FHIR
/// face reached over plain HTTP/1.1 as curl reaches it, the answers parsed with Firely's FhirJsonDeserializer (the
/// successor of FhirJsonParser, which SDK 6 marks obsolete).
/// </summary>
public sealed class FhirHost : IAsyncLifetime
{
    private ApiHost? _host;

    public ApiHost Api => _host!;

    public string Base { get; private set; } = "";

    public CareClock Clock => Api.Services.GetRequiredService<CareClock>();

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _host = await ApiHost.Start([.. TestKeys.Arguments, "--Web:Port", port.ToString(CultureInfo.InvariantCulture)]);
        Base = $"http://127.0.0.1:{port}/fhir";
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    /// <summary>A GET as <paramref name="caller"/> (none: no token), with the stated reason where one is given.</summary>
    public Task<FhirReply> Get(string pathAndQuery, Caller? caller, string? reason = null, string? token = null) =>
        Send(new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery)), caller, reason, token);

    public Task<FhirReply> Post(string path, string body, Caller? caller, string contentType = "application/fhir+json") =>
        Send(new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new StringContent(body, Encoding.UTF8, contentType) }, caller, null, null);

    /// <summary>Every page of a search, following its next links, as a GP system's client would.</summary>
    public async Task<List<Bundle>> AllPages(string pathAndQuery, Caller caller, string? reason = null, int most = 100)
    {
        var pages = new List<Bundle>();
        string? next = pathAndQuery;
        while (next is not null && pages.Count < most)
        {
            var page = await Get(next, caller, reason);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var bundle = Assert.IsType<Bundle>(page.Resource);
            pages.Add(bundle);
            next = bundle.Link.Find(l => l.Relation == "next")?.Url;
        }
        return pages;
    }

    private string Url(string pathAndQuery) => pathAndQuery.StartsWith("http", StringComparison.Ordinal) ? pathAndQuery : $"{Base}/{pathAndQuery}";

    private async Task<FhirReply> Send(HttpRequestMessage request, Caller? caller, string? reason, string? token)
    {
        using (request)
        {
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            if ((token ?? (caller is null ? null : Api.Mint(caller))) is { } bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            if (reason is not null) request.Headers.Add(AccessInterceptor.ReasonHeader, reason);
            using var http = new HttpClient();
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpVersion.Version11, response.Version);
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            return new FhirReply(response.StatusCode, new FhirJsonDeserializer().Deserialize<Resource>(text), text, response.Headers.Location?.ToString());
        }
    }

    /// <summary>A loopback port free just now, for a host's HTTP/1.1 port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An answer of the FHIR face: its status, the resource as Firely's parser reads it, and the raw text.</summary>
public sealed record FhirReply(HttpStatusCode Status, Resource Resource, string Text, string? Location)
{
    /// <summary>The one issue of an OperationOutcome answer (which every refusal is).</summary>
    public OperationOutcome.IssueComponent Issue => Assert.Single(Assert.IsType<OperationOutcome>(Resource).Issue);
}
