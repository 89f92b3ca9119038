using Buurtzorg.Client;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Simulator;

/// <summary>
/// The simulator calls as team apps do, through the client library: its stubs, its retries of reads and of writes
/// with a request id, its deadline. Each call names its caller (<see cref="BenchmarkTokens.As"/>); a call that names
/// none (the health check) goes as the simulator's central office.
/// </summary>
public static class SimulatorConnection
{
    /// <summary>
    /// Longer than an app's 10 s: a benchmark drives the service to saturation on purpose, and a call that is slow
    /// there is a measurement, not a failure. Retries as the library gives them: what a team app would see.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static BuurtzorgClient To(Uri target, BenchmarkTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var office = tokens.Mint("simulator-office", Role.CentralOffice, null, TimeSpan.FromHours(12));
        return BuurtzorgClient.Create(target, TokenSource.From(() => office), new BuurtzorgClientOptions { DefaultDeadline = Deadline });
    }

    /// <inheritdoc cref="To(Uri, BenchmarkTokens)"/>
    public static BuurtzorgClient To(string target, BenchmarkTokens tokens) => To(new Uri(target), tokens);
}
