namespace Buurtzorg.Silo.Probes;

/// <summary>Configuration section <c>Probes</c> (environment: <c>Probes__Port</c>, <c>Probes__DrainDelaySeconds</c>).</summary>
public sealed class ProbeOptions
{
    public const string Section = "Probes";

    /// <summary>
    /// The HTTP/1.1 port the kubelet's probes (and later the central-office page) are served on, on every address.
    /// Unset: no such port; grpc.health.v1 on the gRPC port still answers.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>How long the host goes on serving after readiness has turned false on shutdown. 0 outside a cluster.</summary>
    public double DrainDelaySeconds { get; set; }
}
