using System.Security.Claims;
using Buurtzorg.Domain.Common;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Api.Security;

/// <summary>The caller a validated bearer token names, read the same way for gRPC calls and for the FHIR REST face.</summary>
internal static class CallerClaims
{
    public const string NoKnownRole = "The token names no known role.";

    /// <summary>
    /// The caller, with the reason they stated (the <see cref="AccessInterceptor.ReasonHeader"/> header); null when the
    /// token names no known role. The reason is kept in the client's audit trail, so it is checked as any text a caller
    /// sends (too long or not text: INVALID_ARGUMENT).
    /// </summary>
    public static Caller? From(ClaimsPrincipal user, string? statedReason)
    {
        var subject = user.FindFirst("sub")?.Value;
        var roleName = user.FindFirst(TokenIssuer.RoleClaim)?.Value;
        if (subject is null || roleName is null || !Caller.RoleNames.TryGetValue(roleName, out var role)) return null;
        var reason = Text.Optional(statedReason, "The access reason", 500);
        return new Caller(subject, role, user.FindFirst(TokenIssuer.TeamClaim)?.Value, string.IsNullOrEmpty(reason) ? null : reason);
    }
}
