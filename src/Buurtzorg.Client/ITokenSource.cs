namespace Buurtzorg.Client;

/// <summary>
/// Where the client gets the bearer token for a call. The app implements it (from its sign-in, refreshing as it sees
/// fit); the client asks it on every call and on every retry of a call, so a token that expired in between is never
/// sent again. Cache inside the source, not outside the client.
/// </summary>
public interface ITokenSource
{
    /// <summary>The token for the next call, without the <c>Bearer</c> prefix.</summary>
    /// <param name="cancellationToken">Cancelled when the call is cancelled or its deadline passes.</param>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>Token sources made from a function.</summary>
public static class TokenSource
{
    /// <summary>A token source that calls <paramref name="token"/> on every call.</summary>
    public static ITokenSource From(Func<CancellationToken, ValueTask<string>> token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new FunctionTokenSource(token);
    }

    /// <summary>A token source that calls <paramref name="token"/> on every call.</summary>
    public static ITokenSource From(Func<string> token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new FunctionTokenSource(_ => ValueTask.FromResult(token()));
    }

    private sealed class FunctionTokenSource(Func<CancellationToken, ValueTask<string>> token) : ITokenSource
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => token(cancellationToken);
    }
}
