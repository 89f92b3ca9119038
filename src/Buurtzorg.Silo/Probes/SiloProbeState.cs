namespace Buurtzorg.Silo.Probes;

/// <summary>
/// What this silo tells the kubelet and grpc.health.v1, from local state only: no grain call, no database, so a slow
/// database or a busy neighbour never restarts a healthy silo.
/// <list type="bullet">
/// <item><b>Started</b>: the silo has joined its cluster (once is enough; Kubernetes stops asking after that).</item>
/// <item><b>Ready</b>: started, active, and not shutting down. It turns false the moment shutdown begins
/// (<see cref="IHostApplicationLifetime.ApplicationStopping"/>), while the silo still serves, so a rolling update takes
/// the pod out of every endpoint list before its listeners close (see <see cref="ShutdownDrain"/>).</item>
/// <item><b>Live</b>: the process answers, and its silo has not been declared dead by the cluster (a silo stopping on
/// purpose is alive until it exits).</item>
/// </list>
/// </summary>
public sealed class SiloProbeState(ISiloStatusOracle oracle, IHostApplicationLifetime lifetime, IClusterManifestProvider manifests)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _joined;

    public bool HasStarted => _joined;

    public bool IsReady =>
        _joined
        && oracle.CurrentStatus == SiloStatus.Active
        && lifetime.ApplicationStarted.IsCancellationRequested
        && !lifetime.ApplicationStopping.IsCancellationRequested;

    public bool IsLive => oracle.CurrentStatus != SiloStatus.Dead || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>The silo's own status, for the probes' messages.</summary>
    public SiloStatus SiloStatus => oracle.CurrentStatus;

    public bool IsStopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>How long the start waits for the cluster's manifest to list this silo (see <see cref="Participate"/>).</summary>
    public static readonly TimeSpan ManifestPatience = TimeSpan.FromSeconds(10);

    public void Participate(ISiloLifecycle lifecycle) =>
        // Active is the stage after the silo has joined the membership table and taken its share of the directory. Placement
        // reads the cluster's manifest, which learns this silo's grain types a moment after that: a call placed before then
        // fails ("no active nodes are compatible"). So the silo is neither started nor ready, and the host's start does not
        // return, until the manifest lists it; bounded, as a silo that never appears there is the membership's to judge.
        lifecycle.Subscribe(nameof(SiloProbeState), ServiceLifecycleStage.Active, async cancellation =>
        {
            var giveUp = DateTime.UtcNow + ManifestPatience;
            while (!manifests.Current.Silos.ContainsKey(oracle.SiloAddress) && DateTime.UtcNow < giveUp)
                await Task.Delay(20, cancellation);
            _joined = true;
        });
}
