using Buurtzorg.Domain.CentralOffice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Buurtzorg.Grains;

/// <summary>
/// Publishes a team's figures to the central office's aggregates: after a change, at most once per
/// <see cref="CentralOfficeOptions.PublishDelay"/> (debounced by a one-shot grain timer), and every
/// <see cref="CentralOfficeOptions.CareRefresh"/> with the night's calls counted again. The clients' care comes from
/// what each client reported to the team (<see cref="ITeamGrain.ClientCareChanged"/>): no client record is asked, so
/// publishing activates none. Publishing is one-way: a team never waits on the central office.
/// </summary>
internal sealed class FiguresPublisher
{
    private readonly Grain _grain;
    private readonly Func<TeamState> _state;
    private readonly Func<IReadOnlyList<ClientCare>> _care;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly TimeZoneInfo _zone;
    private readonly CentralOfficeOptions _options;
    private IGrainTimer? _pending;
    private IGrainTimer? _refresh;
    private int _onCallCalls;

    public FiguresPublisher(Grain grain, Func<TeamState> state, Func<IReadOnlyList<ClientCare>> care, IServiceProvider services)
    {
        (_grain, _state, _care) = (grain, state, care);
        _grains = services.GetRequiredService<IGrainFactory>();
        _clock = services.GetRequiredService<TimeProvider>();
        _zone = services.GetRequiredService<CareClock>().LocalTimeZone; // figures are dated on the organisation's calendar
        _options = services.GetRequiredService<IOptions<CentralOfficeOptions>>().Value;
    }

    /// <summary>On activation: count the night's calls and publish, then again every <see cref="CentralOfficeOptions.CareRefresh"/>.</summary>
    public void Start()
    {
        if (_state().Team is null) return;
        _refresh ??= _grain.RegisterGrainTimer(RefreshAndPublish, new GrainTimerCreationOptions(TimeSpan.Zero, _options.CareRefresh));
    }

    /// <summary>The team changed: publish soon, once for however many changes come meanwhile.</summary>
    public void Changed()
    {
        _refresh ??= _grain.RegisterGrainTimer(RefreshAndPublish, new GrainTimerCreationOptions(_options.CareRefresh, _options.CareRefresh));
        _pending ??= _grain.RegisterGrainTimer(_ => Publish(), new GrainTimerCreationOptions(_options.PublishDelay, Timeout.InfiniteTimeSpan));
    }

    private async Task RefreshAndPublish(CancellationToken cancellation)
    {
        if (_state().Team is not { } team) return;
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
        var figures = TeamFigures.From(team, asOf, state.Discharges.Select(d => d.At), [.. _care()], _onCallCalls,
            state.Discharges.Select(d => d.Outcome).OfType<DischargeOutcome>());
        await _grains.GetGrain<IOrganisationGrain>(IOrganisationGrain.Key).Publish(figures);
        await _grains.GetGrain<ITeamHistoryGrain>(team.Id).Record(figures);
    }
}
