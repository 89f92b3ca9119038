using System.Globalization;
using System.Net;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Buurtzorg.Api.Tests.Fhir;

/// <summary>
/// When the record's storage or the cluster cannot be reached, the FHIR face answers 503 with an OperationOutcome
/// saying to try again: never a 500, never a stack.
/// </summary>
public sealed class FhirFaultTests
{
    private const string StoreDown = "c-store-down";
    private const string SiloGone = "c-silo-gone";

    /// <summary>Fails reads of two records as an unreachable database and a lost silo would.</summary>
    private sealed class Faults : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) => (context.TargetId.Key.ToString(), context.InterfaceMethod?.Name) switch
        {
            (StoreDown, nameof(IClientGrain.History)) => throw new StorageUnavailableException("The database cannot be reached just now. Nothing was changed."),
            (SiloGone, nameof(IClientGrain.History)) => throw new TimeoutException("Response did not arrive on time."),
            _ => context.Invoke(),
        };
    }

    [Fact]
    public async Task A_record_whose_storage_or_silo_cannot_be_reached_is_a_503_saying_to_try_again()
    {
        var port = FhirHost.FreePort();
        await using var host = await ApiHost.Start([.. TestKeys.Arguments, "--Web:Port", port.ToString(CultureInfo.InvariantCulture)],
            builder => builder.Services.AddSingleton<IIncomingGrainCallFilter, Faults>());
        using var http = new HttpClient();
        var night = new Caller("ooh-fault", Role.OutOfHours, null);

        foreach (var path in new[] { $"Patient/{StoreDown}/$everything", $"Encounter?patient={SiloGone}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/fhir/{path}");
            request.Headers.Authorization = new("Bearer", host.Mint(night));
            request.Headers.Add(Security.AccessInterceptor.ReasonHeader, "Called out at night: fall at home.");
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var issue = Assert.Single(Assert.IsType<OperationOutcome>(new FhirJsonDeserializer().Deserialize<Resource>(text)).Issue);
            Assert.Equal(OperationOutcome.IssueType.Transient, issue.Code);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        }
    }
}
