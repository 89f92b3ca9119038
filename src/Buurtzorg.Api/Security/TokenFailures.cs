using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Buurtzorg.Api.Security;

/// <summary>
/// One log line per refused bearer token, saying what kind of fault it had: never the token, never a stack trace.
/// JwtBearer's own log of the failure (the exception with its stack) is filtered out where the API is registered.
/// </summary>
public static partial class TokenFailures
{
    /// <summary>The log category of the line, for operators who want to watch or silence it.</summary>
    public const string Category = "Buurtzorg.Api.Security.BearerTokens";

    /// <summary>JwtBearer's handlers log here; only their warnings and errors (configuration faults) are kept.</summary>
    public const string JwtBearerCategory = "Microsoft.AspNetCore.Authentication.JwtBearer";

    /// <summary>For <see cref="JwtBearerEvents.OnAuthenticationFailed"/>: the caller still gets UNAUTHENTICATED.</summary>
    public static Task Log(AuthenticationFailedContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var (path, kind) = (context.Request.Path.Value ?? "", KindOf(context.Exception));
        LogRefused(logger, path, kind);
        return Task.CompletedTask;
    }

    /// <summary>The kind of fault, in words; exception messages are left out (they may quote the token's claims).</summary>
    public static string KindOf(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions: [var first, ..] } => KindOf(first),
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not yet valid",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException
            => "signature or key not trusted",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenNoExpirationException => "no expiry",
        SecurityTokenMalformedException or ArgumentException => "malformed",
        _ => exception.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Information,
        Message = "A bearer token was refused on {Path}: {Kind}; answered UNAUTHENTICATED")]
    private static partial void LogRefused(ILogger logger, string path, string kind);
}
