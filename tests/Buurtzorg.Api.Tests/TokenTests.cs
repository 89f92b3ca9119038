using System.Text;
using Buurtzorg.Api.Security;
using Buurtzorg.Api.Tests.Infrastructure;
using Buurtzorg.Api.V1;
using Buurtzorg.Grains.Security;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Buurtzorg.Api.Tests;

/// <summary>Every gRPC call carries a valid bearer token; anything else is UNAUTHENTICATED. Health stays open.</summary>
public sealed class TokenTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly Caller Office = new("office-1", Role.CentralOffice, null);

    private static SigningKeys Keys(params string[] arguments) => SigningKeys.From(new ConfigurationBuilder().AddCommandLine(arguments).Build());

    private static async Task<StatusCode> Status(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private Task<StatusCode> ApplyWith(string? token)
    {
        var headers = new Metadata();
        if (token is not null) headers.Add("authorization", $"Bearer {token}");
        var teams = new TeamService.TeamServiceClient(host.Channel);
        return Status(() => teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = TeamApp.NewRequest(), Name = "Token test", Footprint = { "E3" } }, headers).ResponseAsync);
    }

    [Fact]
    public async Task A_valid_token_is_accepted()
    {
        var issuer = new TokenIssuer(Keys(TestKeys.Arguments));
        Assert.Equal(StatusCode.OK, await ApplyWith(issuer.Mint(Office.Subject, Office.Role, null, TimeSpan.FromMinutes(5))));
    }

    [Fact]
    public async Task Missing_expired_not_yet_valid_unknown_tampered_malformed_and_wrong_audience_tokens_are_unauthenticated()
    {
        var issuer = new TokenIssuer(Keys(TestKeys.Arguments));
        var stranger = new SymmetricSecurityKey(Enumerable.Repeat((byte)42, 32).ToArray()) { KeyId = TestKeys.FirstId };
        var good = issuer.Mint(Office.Subject, Office.Role, null, TimeSpan.FromMinutes(5));
        var parts = good.Split('.');
        var tamperedClaims = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"sub\":\"office-1\",\"role\":\"central_office\",\"team\":\"team-x\"}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith(null));
        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith(issuer.Mint("o", Role.CentralOffice, null, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-2))));
        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith(issuer.Mint("o", Role.CentralOffice, null, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(2))));
        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith(issuer.Mint("o", Role.CentralOffice, null, TimeSpan.FromMinutes(5), key: stranger)));
        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith($"{parts[0]}.{tamperedClaims}.{parts[2]}"));
        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith("not-a-token"));
        Assert.Equal(StatusCode.Unauthenticated, await ApplyWith(issuer.Mint("o", Role.CentralOffice, null, TimeSpan.FromMinutes(5), audience: "someone-else")));
    }

    [Fact]
    public async Task A_token_stays_valid_until_its_key_is_removed_and_the_new_key_works()
    {
        // Keys 1 and 2 are both trusted; then key 1 is rotated out: hosts restart with key 2 alone.
        var keys = Keys(TestKeys.Arguments);
        var both = new TokenIssuer(keys);
        var firstKeyToken = both.Mint(Office.Subject, Office.Role, null, TimeSpan.FromMinutes(5));
        var secondKeyToken = both.Mint(Office.Subject, Office.Role, null, TimeSpan.FromMinutes(5), key: keys.Keys[1]);
        Assert.Equal(StatusCode.OK, await ApplyWith(firstKeyToken));
        Assert.Equal(StatusCode.OK, await ApplyWith(secondKeyToken));

        await using var rotated = await ApiHost.Start(["--Security:Jwt:Keys:0:Id", TestKeys.SecondId, "--Security:Jwt:Keys:0:Secret", TestKeys.SecondSecret]);
        var teams = new TeamService.TeamServiceClient(rotated.Channel);
        Task<StatusCode> On(string token) => Status(() => teams.ApplyTeamAsync(
            new ApplyTeamRequest { RequestId = TeamApp.NewRequest(), Name = "Rotated", Footprint = { "E3" } },
            new Metadata { { "authorization", $"Bearer {token}" } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, await On(firstKeyToken));
        Assert.Equal(StatusCode.OK, await On(secondKeyToken));
    }

    [Fact]
    public async Task A_bad_token_is_one_log_line_naming_its_fault_with_no_stack_trace_and_no_token_text()
    {
        // Every category at its most verbose, ASP.NET Core's authentication included (JwtBearer logs each failure with
        // the exception's stack at Information).
        var logs = new CapturedLogs();
        await using var traced = await ApiHost.Start(
            [.. TestKeys.Arguments, "--Logging:LogLevel:Default", "Trace", "--Logging:LogLevel:Microsoft", "Trace", "--Logging:LogLevel:Microsoft.AspNetCore", "Trace"],
            builder => builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var issuer = new TokenIssuer(Keys(TestKeys.Arguments));
        var stranger = new SymmetricSecurityKey(Enumerable.Repeat((byte)42, 32).ToArray()) { KeyId = TestKeys.FirstId };
        var bad = new[]
        {
            issuer.Mint("office-expired", Role.CentralOffice, null, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-2)),
            issuer.Mint("office-stranger", Role.CentralOffice, null, TimeSpan.FromMinutes(5), key: stranger),
            "not-a-token",
        };
        var teams = new TeamService.TeamServiceClient(traced.Channel);

        foreach (var token in bad)
        {
            var status = await Status(() => teams.ApplyTeamAsync(new ApplyTeamRequest { RequestId = TeamApp.NewRequest(), Name = "Log test", Footprint = { "E3" } },
                new Metadata { { "authorization", $"Bearer {token}" } }).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, status);
        }

        var lines = logs.Lines.ToList();
        Assert.Equal(
            ["expired", "signature or key not trusted", "malformed"],
            lines.Where(l => l.Contains(TokenFailures.Category, StringComparison.Ordinal)).Select(l => l.Split("Kind=")[1].Split(';')[0].TrimEnd(']', ' ')));
        Assert.DoesNotContain(lines, l => l.Contains(TokenFailures.JwtBearerCategory, StringComparison.Ordinal) && l.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal)); // no stack frame, from any category
        foreach (var token in bad)
        {
            Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => token.Split('.') is [_, var claims, _] && l.Contains(claims, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(host.Channel);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status);
    }
}
