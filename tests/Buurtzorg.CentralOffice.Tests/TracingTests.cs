using System.Collections.Concurrent;
using System.Diagnostics;
using Buurtzorg.Api.V1;

namespace Buurtzorg.CentralOffice.Tests;

public sealed class TracingTests
{
    [Fact]
    public async Task A_grpc_call_and_the_grain_calls_it_makes_share_one_trace_with_no_patient_data_in_it()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await OfficeHost.Start();
        var app = host.App();
        var team = await app.TeamWithNurses(2);
        var client = await app.Admitted(team.TeamId);
        activities.Clear();

        await app.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId });

        var request = activities.Single(a => a.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            && a.DisplayName.Contains("CareRecordService/GetRecord", StringComparison.Ordinal));
        var grainCalls = activities.Where(a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.TraceId == request.TraceId).ToList();
        Assert.NotEmpty(grainCalls);
        var tags = string.Join(" ", activities.SelectMany(a => a.TagObjects.Select(t => $"{t.Key}={t.Value}")).Append(string.Join(" ", activities.Select(a => a.DisplayName))));
        Assert.DoesNotContain("Edith", tags, StringComparison.Ordinal);
        Assert.DoesNotContain("Testcase", tags, StringComparison.Ordinal);
        Assert.DoesNotContain("E3 2AB", tags, StringComparison.Ordinal);
    }
}
