using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Buurtzorg.Api.Tests.Infrastructure.TeamApp;

namespace Buurtzorg.Api.Tests;

/// <summary>
/// A tablet refreshes its cache with one call (SyncService/Changes): exactly what changed on the team's caseload since
/// its cursor, then nothing; everything again (a reset) for a cursor the team no longer keeps changes for; and what
/// the team keeps for this stays bounded however long it runs.
/// </summary>
public sealed class SyncChangesTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 7, 14);

    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.Start(TestKeys.Arguments);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CareClock Clock => _host.Services.GetRequiredService<CareClock>();

    /// <summary>Every page of the changes since <paramref name="cursor"/>, a few at a time, as an app reads them.</summary>
    private static async Task<(bool Reset, List<V1.CaseloadChange> Changes, List<TeamMember>? Members, string Cursor)> All(
        TeamApp app, string teamId, string cursor, int pageSize = 2)
    {
        var (changes, token, pages) = (new List<V1.CaseloadChange>(), "", 0);
        List<TeamMember>? members = null;
        bool? reset = null;
        while (true)
        {
            var page = await app.Sync.ChangesAsync(new ChangesRequest { TeamId = teamId, Cursor = cursor, PageSize = pageSize, PageToken = token });
            Assert.True(reset is null || reset == page.Reset, "a listing changed from reset to not, or back, between its pages");
            reset = page.Reset;
            changes.AddRange(page.Changes);
            if (page.MembersChanged) members = [.. page.Members];
            Assert.True(++pages < 1000, "the pages never end");
            if (page.NextPageToken.Length == 0)
            {
                Assert.NotEmpty(page.NextCursor);
                return (page.Reset, changes, members, page.NextCursor);
            }
            Assert.Empty(page.NextCursor);
            token = page.NextPageToken;
        }
    }

    private static IEnumerable<string> Changed(IEnumerable<V1.CaseloadChange> changes) =>
        changes.Where(c => c.ChangeCase == V1.CaseloadChange.ChangeOneofCase.Changed).Select(c => c.Changed.Entry.ClientId);

    private static IEnumerable<string> Left(IEnumerable<V1.CaseloadChange> changes) =>
        changes.Where(c => c.ChangeCase == V1.CaseloadChange.ChangeOneofCase.LeftClientId).Select(c => c.LeftClientId);

    private static Task<DischargeResponse> Discharge(TeamApp app, string teamId, CaseloadEntry client) =>
        app.Referrals.DischargeAsync(new DischargeRequest
        {
            RequestId = NewRequest(),
            TeamId = teamId,
            ClientId = client.ClientId,
            Reason = DischargeReason.GoalsMet,
            RecordedBy = client.NamedNurseId,
        }).ResponseAsync;

    [Fact]
    public async Task Changes_after_admissions_a_discharge_and_a_reassignment_are_exactly_those_then_nothing()
    {
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(8, 0)));
        var app = _host.App();
        var team = await app.TeamWithNurses(3);
        var first = await app.Admitted(team.TeamId);
        var second = await app.Admitted(team.TeamId);

        var start = await All(app, team.TeamId, "");
        Assert.True(start.Reset);
        Assert.Equal(new[] { first.ClientId, second.ClientId }.Order(), Changed(start.Changes).Order());
        Assert.Equal(3, start.Members?.Count);
        var card = start.Changes.Single(c => c.Changed?.Entry.ClientId == first.ClientId).Changed;
        Assert.Equal("Edith Testcase", card.Entry.DisplayName);
        Assert.True(card.RecordVersion > 0);

        var third = await app.Admitted(team.TeamId);
        await Discharge(app, team.TeamId, first);
        var other = team.Members.Select(m => m.NurseId).First(n => n != second.NamedNurseId && n != second.BackupNurseId);
        await app.Referrals.ReassignNamedNurseAsync(new ReassignNamedNurseRequest
        {
            RequestId = NewRequest(),
            TeamId = team.TeamId,
            ClientId = second.ClientId,
            NamedNurseId = other,
            BackupNurseId = second.NamedNurseId,
        });

        var since = await All(app, team.TeamId, start.Cursor);

        Assert.False(since.Reset);
        Assert.Null(since.Members);
        Assert.Equal(new[] { second.ClientId, third.ClientId }.Order(), Changed(since.Changes).Order());
        Assert.Equal(first.ClientId, Assert.Single(Left(since.Changes)));
        Assert.Equal(other, since.Changes.Single(c => c.Changed?.Entry.ClientId == second.ClientId).Changed.Entry.NamedNurseId);

        var nothing = await All(app, team.TeamId, since.Cursor);
        Assert.False(nothing.Reset);
        Assert.Empty(nothing.Changes);
        Assert.Null(nothing.Members);
        Assert.Equal(since.Cursor, nothing.Cursor);

        // A note moves the record's version, which a tablet compares with what it holds; a member joining, the members.
        var version = since.Changes.Single(c => c.Changed?.Entry.ClientId == third.ClientId).Changed.RecordVersion;
        await app.Records.AddNoteAsync(new AddNoteRequest { RequestId = NewRequest(), ClientId = third.ClientId, RecordedBy = third.NamedNurseId, Text = "Settled in." });
        await app.Join(team.TeamId, await app.RegisterNurse());
        var later = await Eventually(() => All(app, team.TeamId, nothing.Cursor), r => Changed(r.Changes).Contains(third.ClientId));
        Assert.True(later.Changes.Single(c => c.Changed?.Entry.ClientId == third.ClientId).Changed.RecordVersion > version);
        Assert.Equal(4, later.Members?.Count);
    }

    [Fact]
    public async Task A_cursor_older_than_the_team_keeps_changes_for_answers_everything_as_a_reset()
    {
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(8, 0)));
        var app = _host.App();
        var team = await app.TeamWithNurses(3);
        var staying = await app.Admitted(team.TeamId);
        var leaving = await app.Admitted(team.TeamId);
        var old = (await All(app, team.TeamId, "")).Cursor;
        await Discharge(app, team.TeamId, leaving);
        var recent = (await All(app, team.TeamId, old)).Cursor;

        // A month and more later the team forgets who left then; a tablet offline since must start again.
        Clock.SetLocal(Today.AddDays(33).ToDateTime(new TimeOnly(8, 0)));
        var newcomer = await app.Admitted(team.TeamId);

        var stale = await All(app, team.TeamId, old);
        Assert.True(stale.Reset);
        Assert.Equal(new[] { staying.ClientId, newcomer.ClientId }.Order(), Changed(stale.Changes).Order());
        Assert.NotNull(stale.Members);
        var fresh = await All(app, team.TeamId, recent);
        Assert.False(fresh.Reset);
        Assert.Equal(newcomer.ClientId, Assert.Single(Changed(fresh.Changes)));
    }

    [Fact]
    public async Task A_cursor_not_given_for_this_team_is_refused_plainly()
    {
        Clock.SetLocal(Today.ToDateTime(new TimeOnly(8, 0)));
        var app = _host.App();
        var team = await app.TeamWithNurses(2);
        var other = await app.TeamWithNurses(2);
        var theirs = (await All(app, other.TeamId, "")).Cursor;

        foreach (var cursor in new[] { theirs, "not-a-cursor", "%%%" })
        {
            var refused = await Refused(() => app.Sync.ChangesAsync(new ChangesRequest { TeamId = team.TeamId, Cursor = cursor }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Contains("cursor", refused.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Ten thousand clients come and go over a year and more: the log keeps one mark per client on the caseload and at
    /// most <see cref="TeamChanges.MaxLeft"/> of those who left, and a cursor older than those answers a reset.
    /// </summary>
    [Fact]
    public void What_the_team_keeps_for_changes_stays_bounded_however_many_clients_come_and_go()
    {
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var team = Domain.Teams.Team.Apply("team-bound", "Bound", [Domain.Common.PostcodeArea.Parse("E3")], [], null, start);
        var log = TeamChanges.Empty.Between(null, team, start);
        var firstCursor = log.Position;
        var largest = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var at = start.AddHours(i);
            var entry = new Domain.Teams.CaseloadEntry($"client-{i}", $"ref-{i}", "nurse-a", null, [Domain.Common.Skill.WoundCare], at);
            // Each client is admitted, reported on, and discharged a day later: up to 24 on the caseload at once.
            var admitted = team with { Caseload = team.Caseload.Add(entry) };
            log = log.Between(team, admitted, at).Reported(entry.ClientId, 3);
            team = admitted.Caseload.Count > 24 ? admitted with { Caseload = admitted.Caseload.RemoveAt(0) } : admitted;
            log = log.Between(admitted, team, at);
            largest = Math.Max(largest, log.Clients.Count + log.Left.Count);
        }

        Assert.True(log.Clients.Count <= 24);
        Assert.True(log.Left.Count <= TeamChanges.MaxLeft);
        Assert.True(largest <= 24 + TeamChanges.MaxLeft, $"the log held {largest} marks");
        Assert.False(log.Knows(firstCursor));
        Assert.True(log.Knows(log.Position));
        var reset = log.Since(firstCursor, null, 1000, team, _ => null);
        Assert.True(reset.Reset);
        Assert.Equal(team.Caseload.Select(e => e.ClientId).Order(), reset.Changes.Where(c => c.Item is not null).Select(c => c.ClientId).Order());
    }
}
