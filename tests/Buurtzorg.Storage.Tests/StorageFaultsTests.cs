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
}
