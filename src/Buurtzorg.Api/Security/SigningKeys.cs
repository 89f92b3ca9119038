using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Buurtzorg.Api.Security;

/// <summary>
/// The token settings (configuration section <c>Security:Jwt</c>): issuer, audience, and a key set so keys can be
/// rotated — a token stays valid until the key that signed it is removed. Without configured keys the host is in
/// development: one key is generated and kept in a local file, shared by the running silo and the <c>token</c> command.
/// </summary>
public sealed class SigningKeys
{
    public const string Section = "Security:Jwt";

    private SigningKeys(string issuer, string audience, IReadOnlyList<SymmetricSecurityKey> keys, bool development, string? developmentFile)
    {
        (Issuer, Audience, Keys, IsDevelopment, DevelopmentFile) = (issuer, audience, keys, development, developmentFile);
    }

    public string Issuer { get; }

    public string Audience { get; }

    /// <summary>Every key a token may be signed with; new tokens are signed with the first.</summary>
    public IReadOnlyList<SymmetricSecurityKey> Keys { get; }

    public bool IsDevelopment { get; }

    public string? DevelopmentFile { get; }

    /// <summary>The key the silos seal callers with in the request context: configured, or derived from the first key.</summary>
    public byte[] SealKey(IConfiguration configuration) =>
        configuration["Security:CallerSealKey"] is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : HMACSHA256.HashData(Keys[0].Key, Encoding.UTF8.GetBytes("buurtzorg caller seal"));

    public static SigningKeys From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var issuer = section["Issuer"] ?? "buurtzorg";
        var audience = section["Audience"] ?? "buurtzorg-api";
        var configured = section.GetSection("Keys").GetChildren()
            .Select(k => Key(k["Id"] ?? throw new InvalidOperationException("Every Security:Jwt:Keys entry needs an Id."),
                Convert.FromBase64String(k["Secret"] ?? throw new InvalidOperationException("Every Security:Jwt:Keys entry needs a Secret (base64, 32 bytes or more)."))))
            .ToList();
        if (configured.Count > 0) return new SigningKeys(issuer, audience, configured, false, null);

        var file = section["DevelopmentKeyFile"] ?? Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "buurtzorg", "development-signing.key");
        return new SigningKeys(issuer, audience, [Key("development", DevelopmentSecret(file))], true, file);
    }

    private static SymmetricSecurityKey Key(string id, byte[] secret)
    {
        if (secret.Length < 32) throw new InvalidOperationException($"Signing key '{id}' is too short: use at least 32 random bytes.");
        return new SymmetricSecurityKey(secret) { KeyId = id };
    }

    private static byte[] DevelopmentSecret(string file)
    {
        if (File.Exists(file)) return Convert.FromBase64String(File.ReadAllText(file).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var secret = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(secret));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return secret;
        }
        catch (IOException) when (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim()); // another process made it first
        }
    }
}
