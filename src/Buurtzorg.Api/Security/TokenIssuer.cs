using System.Security.Claims;
using Buurtzorg.Grains.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Buurtzorg.Api.Security;

/// <summary>Mints bearer tokens: for development (the <c>token</c> command) and for tests. Production tokens come from the identity provider.</summary>
public sealed class TokenIssuer(SigningKeys keys)
{
    public const string RoleClaim = "role";
    public const string TeamClaim = "team";

    public string Mint(string subject, Role role, string? teamId, TimeSpan lifetime, DateTimeOffset? now = null, SymmetricSecurityKey? key = null,
        string? audience = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, subject), new(RoleClaim, Caller.NameOf(role)) };
        if (teamId is not null) claims.Add(new Claim(TeamClaim, teamId));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = keys.Issuer,
            Audience = audience ?? keys.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key ?? keys.Keys[0], SecurityAlgorithms.HmacSha256),
        });
    }
}
