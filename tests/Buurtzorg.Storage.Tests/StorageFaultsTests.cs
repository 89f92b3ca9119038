using Buurtzorg.Grains;
using Npgsql;

namespace Buurtzorg.Storage.Tests;

/// <summary>
/// The one mapping of PostgreSQL's faults: an outage is UNAVAILABLE with an honest message and no driver exception
/// inside; a write whose connection broke after it was sent says it may have been saved; a refused statement is not
/// an outage.
/// </summary>
public sealed class StorageFaultsTests
{
    private static PostgresException Server(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("57P01")] // terminating connection due to administrator command
    [InlineData("57P03")] // the database system is starting up / shutting down
    [InlineData("53300")] // too many clients
    [InlineData("08006")] // connection failure
    [InlineData("58030")] // I/O error
    public void A_server_going_away_or_out_of_connections_is_an_outage(string sqlState) =>
        Assert.True(StorageFaults.IsOutage(Server(sqlState)));

    [Theory]
    [InlineData("23505")] // unique violation: a conflict or a retry, for the journal to read
    [InlineData("42601")] // syntax error: a defect of ours, not an outage
    [InlineData("42501")] // insufficient privilege: the append-only journal refusing a change
    public void A_statement_postgresql_refused_is_not_an_outage(string sqlState) =>
        Assert.False(StorageFaults.IsOutage(Server(sqlState)));

    [Fact]
    public void A_broken_connection_is_an_outage() =>
        Assert.True(StorageFaults.IsOutage(new NpgsqlException("Exception while reading from stream", new IOException("reset"))));

    [Fact]
    public void A_write_whose_connection_broke_after_it_was_sent_may_have_been_saved()
    {
        var unknown = StorageFaults.WriteFailed(new NpgsqlException("Exception while reading from stream", new IOException("reset")), sent: true);

        Assert.True(unknown.OutcomeUnknown);
        Assert.Equal(StorageFaults.MayHaveBeenSaved, unknown.Message);
        Assert.Null(unknown.InnerException);
    }

    [Fact]
    public void A_write_postgresql_answered_with_an_error_or_never_received_saved_nothing()
    {
        var answered = StorageFaults.WriteFailed(Server("57P01"), sent: true);
        var neverSent = StorageFaults.WriteFailed(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException()), sent: false);

        Assert.All([answered, neverSent], e =>
        {
            Assert.False(e.OutcomeUnknown);
            Assert.Equal(StorageFaults.NotReachable, e.Message);
            Assert.Null(e.InnerException);
        });
    }

    [Fact]
    public async Task A_read_during_an_outage_says_to_try_again_and_carries_nothing_of_the_driver()
    {
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            StorageFaults.Reading<int>(() => throw new NpgsqlException("Failed to connect to 127.0.0.1:1")));

        Assert.Equal(StorageFaults.ReadFailed, refused.Message);
        Assert.Null(refused.InnerException);
    }

    [Fact]
    public void A_grain_state_write_that_could_not_connect_or_was_refused_saved_nothing()
    {
        Exception[] neverSent =
        [
            new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)),
            new InvalidOperationException("wrapped", Server("57P01")),
            new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' or 'Timeout'", new TimeoutException()),
        ];

        Assert.All(neverSent, e =>
        {
            Assert.True(StorageFaults.IsOutageAnywhere(e));
            var failed = StorageFaults.WriteFailed(e);
            Assert.False(failed.OutcomeUnknown);
            Assert.Equal(StorageFaults.NotReachable, failed.Message);
        });
    }

    [Fact]
    public void A_grain_state_write_whose_connection_broke_midway_may_have_been_saved()
    {
        Exception[] midway =
        [
            new NpgsqlException("Exception while reading from stream", new IOException("reset")),
            new NpgsqlException("Exception while reading from stream", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)),
            new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        ];

        Assert.All(midway, e =>
        {
            var failed = StorageFaults.WriteFailed(e);
            Assert.True(failed.OutcomeUnknown);
            Assert.Equal(StorageFaults.MayHaveBeenSaved, failed.Message);
        });
    }

    [Fact]
    public void A_version_conflict_or_a_refused_statement_is_not_an_outage_anywhere_inside()
    {
        Assert.False(StorageFaults.IsOutageAnywhere(new Orleans.Storage.InconsistentStateException("stale", "1", "2")));
        Assert.False(StorageFaults.IsOutageAnywhere(new InvalidOperationException("wrapped", Server("23505"))));
    }
}
