using Buurtzorg.Domain.Records;
using static Buurtzorg.Domain.Tests.Records.RecordStory;

namespace Buurtzorg.Domain.Tests.Records;

public sealed class LogSafetyTests
{
    [Fact]
    public void A_record_its_entries_and_its_views_print_no_patient_data()
    {
        var record = ReplayAndRetryTests.FullStory().Then(Member("mem-friend", NetworkRole.Friend, $"{GivenName}'s friend"));
        var printed = new List<string> { record.ToString(), record.Demographics!.ToString(), record.OpenEpisode!.ToString() };
        printed.AddRange(record.History.Select(e => e.ToString()));
        printed.AddRange(record.Visits.Select(v => v.ToString()));
        printed.AddRange(record.Notes.Select(n => n.ToString()));
        printed.AddRange(record.Network.Select(m => m.ToString()));
        printed.AddRange(record.Referrals.Select(r => r.ToString()));
        printed.AddRange(record.Goals.Select(g => g.ToString()));
        printed.AddRange(record.Problems.Select(p => p.ToString()));
        printed.AddRange(record.Interventions.Select(i => i.ToString()));

        foreach (var text in printed) RuleRefusalTests.AssertNoPatientData(text);
        Assert.Contains("visit_recorded e-visit-1", printed);
    }
}
