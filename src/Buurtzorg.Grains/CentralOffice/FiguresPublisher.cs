using System.Collections.Immutable;
using Buurtzorg.Domain.CentralOffice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Buurtzorg.Grains;

/// <summary>
/// Publishes a team's figures to the central office's aggregates: after a change, at most once per
/// <see cref="CentralOfficeOptions.PublishDelay"/> (debounced by a one-shot grain timer), and after each periodic
/// gathering of the clients' visit summaries. Publishing is one-way: a team never waits on the central office.
/// </summary>
internal sealed class FiguresPublisher
{
    private readonly Grain _grain;
    private readonly Func<TeamState> _state;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly TimeZoneInfo _zone;
    private readonly CentralOfficeOptions _options;
    private IGrainTimer? _pending;
    private IGrainTimer? _care;
    private ImmutableArray<ClientCare>? _clients;
    private int _onCallCalls;

    public FiguresPublisher(Grain grain, Func<TeamState> state, IServiceProvider services)
    {
        (_grain, _state) = (grain, state);
        _grains = services.GetRequiredService<IGrainFactory>();
        _clock = services.GetRequiredService<TimeProvider>();
        _zone = services.GetRequiredService<CareClock>().LocalTimeZone; // figures are dated on the organisation's calendar
        _options = services.GetRequiredService<IOptions<CentralOfficeOptions>>().Value;
    }

    /// <summary>On activation: gather the clients' summaries and publish, then again every <see cref="CentralOfficeOptions.CareRefresh"/>.</summary>
    public void Start()
    {
        if (_state().Team is null) return;
        _care ??= _grain.RegisterGrainTimer(GatherAndPublish, new GrainTimerCreationOptions(TimeSpan.Zero, _options.CareRefresh));
    }

    /// <summary>The team changed: publish soon, once for however many changes come meanwhile.</summary>
    public void Changed()
    {
        _care ??= _grain.RegisterGrainTimer(GatherAndPublish, new GrainTimerCreationOptions(_options.CareRefresh, _options.CareRefresh));
        _pending ??= _grain.RegisterGrainTimer(_ => Publish(), new GrainTimerCreationOptions(_options.PublishDelay, Timeout.InfiniteTimeSpan));
    }

    private async Task GatherAndPublish(CancellationToken cancellation)
    {
        if (_state().Team is not { } team) return;
        var summaries = await Task.WhenAll(team.Caseload.Select(c => _grains.GetGrain<IClientGrain>(c.ClientId).CareFigures()));
        _clients = [.. summaries];
        // The night's calls live with the team's on-call book: counted over the last 7 days.
        _onCallCalls = await _grains.GetGrain<IOnCallGrain>(team.Id).CallsSince(_clock.GetUtcNow().AddDays(-7));
        await Publish();
    }

    private async Task Publish()
    {
        _pending?.Dispose();
        _pending = null;
        var state = _state();
        if (state.Team is not { } team) return;
        var asOf = TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), _zone);
        var figures = TeamFigures.From(team, asOf, state.Discharges.Select(d => d.At), _clients, _onCallCalls,
            state.Discharges.Select(d => d.Outcome).OfType<DischargeOutcome>());
        await _grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key).Publish(figures);
        await _grains.GetGrain<ITeamHistoryGrain>(team.Id).Record(figures);
    }
}
