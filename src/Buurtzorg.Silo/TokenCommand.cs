using System.Globalization;
using Buurtzorg.Api.Security;
using Buurtzorg.Grains.Security;

namespace Buurtzorg.Silo;

/// <summary>
/// <c>token --role nurse --team &lt;id&gt; --subject &lt;nurse&gt; [--hours 8]</c>: mints a bearer token with the host's
/// signing keys, for local use. Production tokens come from the organisation's identity provider.
/// </summary>
public static class TokenCommand
{
    public static async Task<int> Run(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables().AddCommandLine(args.Skip(1).ToArray()).Build();
        var roleName = configuration["role"];
        if (roleName is null || !Caller.RoleNames.TryGetValue(roleName, out var role))
        {
            await Console.Error.WriteLineAsync($"usage: token --role <{string.Join("|", Caller.RoleNames.Keys)}> [--team <team id>] [--subject <id>] [--hours 8]");
            return 2;
        }
        var team = configuration["team"];
        if (role is Role.Nurse or Role.Coach && team is null)
            await Console.Error.WriteLineAsync("note: a nurse or coach token without --team can only apply for a team or register nurses.");
        var keys = SigningKeys.From(configuration);
        var hours = double.Parse(configuration["hours"] ?? "8", CultureInfo.InvariantCulture);
        var token = new TokenIssuer(keys).Mint(configuration["subject"] ?? $"dev-{roleName}", role, team, TimeSpan.FromHours(hours));
        await Console.Error.WriteLineAsync(keys.IsDevelopment
            ? "WARNING: development token, signed with this machine's development key. For development only."
            : "WARNING: token minted with a configured key. Hand out tokens from your identity provider, not this command.");
        Console.WriteLine(token);
        return 0;
    }
}
