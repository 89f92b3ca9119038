using System.Security.Cryptography;
using System.Text;

namespace Buurtzorg.Grains.Security;

/// <summary>
/// Carries the caller from the gRPC layer to the grains in the Orleans request context, sealed with a key only the
/// silos hold: a context value is untrusted unless it carries this seal, so a cluster client cannot claim to be a nurse.
/// </summary>
public sealed class CallerSeal(byte[] key)
{
    public const string ContextKey = "buurtzorg.caller";

    private const char Separator = '\u001f';

    public string Seal(Caller caller)
    {
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            string.Join(Separator, caller.Subject, Caller.NameOf(caller.Role), caller.TeamId ?? "", caller.Reason ?? "")));
        return $"{payload}.{Mac(payload)}";
    }

    public Caller? Open(string? sealedCaller)
    {
        if (sealedCaller?.Split('.') is not [var payload, var mac]) return null;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(Mac(payload)))) return null;
        var parts = Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Split(Separator);
        return parts is [var subject, var role, var team, var reason] && Caller.RoleNames.TryGetValue(role, out var parsed)
            ? new Caller(subject, parsed, team.Length == 0 ? null : team, reason.Length == 0 ? null : reason)
            : null;
    }

    /// <summary>Puts the caller into the request context of every grain call made from here on in this flow.</summary>
    public void Attach(Caller caller) => RequestContext.Set(ContextKey, Seal(caller));

    /// <summary>The caller of the current grain call, when one was attached and its seal holds.</summary>
    public Caller? Current() => Open(RequestContext.Get(ContextKey) as string);

    private string Mac(string payload) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
}
