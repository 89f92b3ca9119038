using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Buurtzorg.Client;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Microsoft.Extensions.Configuration;

namespace Buurtzorg.Simulator;

/// <summary>
/// Bearer tokens for the simulator's many callers, signed (HS256) with the key the silo checks them against — the one
/// given as <c>--Security:Jwt:Keys:0:Id … --Security:Jwt:Keys:0:Secret …</c> (as the silo takes it), or else the
/// development key file the silo and its <c>token</c> command share on this machine. Its own small JWT writer, so the
/// simulator needs no server project: a benchmark tool, never an identity provider.
/// </summary>
public sealed class BenchmarkTokens
{
    private readonly byte[] _secret;
    private readonly string _keyId;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly ConcurrentDictionary<(Role Role, string? TeamId, string Subject), CallOptions> _callers = new();

    private BenchmarkTokens(byte[] secret, string keyId, string issuer, string audience) =>
        (_secret, _keyId, _issuer, _audience) = (secret, keyId, issuer, audience);

    /// <summary>The signing settings from the simulator's arguments (the silo's <c>Security:Jwt</c> section).</summary>
    public static BenchmarkTokens From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Security:Jwt");
        var issuer = section["Issuer"] ?? "buurtzorg";
        var audience = section["Audience"] ?? "buurtzorg-api";
        if (section.GetSection("Keys").GetChildren().FirstOrDefault() is { } first)
        {
            var secret = Convert.FromBase64String(first["Secret"] ?? throw new InvalidOperationException("Security:Jwt:Keys:0 needs a Secret."));
            return new BenchmarkTokens(secret, first["Id"] ?? throw new InvalidOperationException("Security:Jwt:Keys:0 needs an Id."), issuer, audience);
        }
        var file = section["DevelopmentKeyFile"] ?? Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "buurtzorg", "development-signing.key");
        return new BenchmarkTokens(DevelopmentSecret(file), "development", issuer, audience);
    }

    /// <summary>The machine's development key, made here when no silo has made it yet (silos started later read it).</summary>
    private static byte[] DevelopmentSecret(string file)
    {
        if (File.Exists(file)) return Convert.FromBase64String(File.ReadAllText(file).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            var secret = RandomNumberGenerator.GetBytes(32);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(secret)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return secret;
        }
        catch (IOException) when (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim()); // a silo made it first
        }
    }

    /// <summary>A token for <paramref name="subject"/> in <paramref name="role"/>, on <paramref name="teamId"/> for team roles.</summary>
    public string Mint(string subject, Role role, string? teamId, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["role"] = Caller.NameOf(role),
            ["iss"] = _issuer,
            ["aud"] = _audience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        };
        if (teamId is not null) claims["team"] = teamId;
        var unsigned = $"{Part(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = _keyId })}.{Part(claims)}";
        return $"{unsigned}.{Base64Url(HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>
    /// Call options for a call made as this caller through a <see cref="BuurtzorgClient"/>: the token travels as call
    /// credentials (minted once per caller, valid for the run), the client's deadline and retries apply.
    /// </summary>
    public CallOptions As(Role role, string? teamId = null, string? subject = null) =>
        _callers.GetOrAdd((role, teamId, subject ?? $"simulator-{Caller.NameOf(role)}"), key =>
        {
            var token = Mint(key.Subject, key.Role, key.TeamId, TimeSpan.FromHours(12));
            return new CallOptions(credentials: BuurtzorgClient.CredentialsFrom(TokenSource.From(() => token)));
        });

    /// <summary>Tokens signed with a key of nobody's, with this issuer and audience: what a forger would send.</summary>
    public BenchmarkTokens Forger() => new(RandomNumberGenerator.GetBytes(32), "not-ours", _issuer, _audience);

    /// <summary>The token as a header, for the chaos run's raw channels (it makes and records every attempt itself).</summary>
    public Metadata Headers(Role role, string? teamId = null, string? subject = null) =>
        new() { { "authorization", $"Bearer {Mint(subject ?? $"simulator-{Caller.NameOf(role)}", role, teamId, TimeSpan.FromHours(2))}" } };

    private static string Part(Dictionary<string, object> json) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(json));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
