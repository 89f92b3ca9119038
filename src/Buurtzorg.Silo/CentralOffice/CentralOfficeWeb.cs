using System.Globalization;
using System.Text.Json;
using Buurtzorg.Api.CentralOffice;
using Buurtzorg.Api.Security;
using Buurtzorg.Grains;
using Buurtzorg.Grains.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Dashboard;
using Office = Buurtzorg.Domain.CentralOffice;

namespace Buurtzorg.Silo.CentralOffice;

/// <summary>
/// The central office's page, on an HTTP/1.1 port of its own (<c>Web:Port</c>; browsers do not speak gRPC's h2c):
/// <c>/central-office</c> (the page), <c>/central-office/session</c> (sign in with a central-office token, kept in an
/// HttpOnly cookie for this path only) and <c>/central-office/events</c> (server-sent events: a snapshot of every team,
/// then each change). Unset <c>Web:Port</c>: no page.
/// </summary>
public static class CentralOfficeWeb
{
    public const string Section = "Web";
    public const string PagePath = "/central-office";
    public const string CookieName = "buurtzorg-office";
    public const string CookieScheme = "CentralOfficeCookie";
    public const string DashboardPath = "/dashboard";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds <c>http://+:{Web:Port}</c> to the URLs the host listens on, and the central office's settings.</summary>
    public static int? AddCentralOfficeWeb(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<CentralOfficeOptions>(builder.Configuration.GetSection(CentralOfficeOptions.Section));
        builder.Services.AddSiloTelemetry(builder.Configuration);
        var port = builder.Configuration.GetSection(Section).GetValue<int?>("Port");
        if (port is null) return null;

        var urls = (builder.WebHost.GetSetting("urls") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Any(url => BindingAddress.Parse(url).Port == port))
            throw new InvalidOperationException($"Web:Port {port} is also used by another endpoint ({string.Join(", ", urls)}): give the page a port of its own.");
        builder.WebHost.UseUrls([.. urls, string.Create(CultureInfo.InvariantCulture, $"http://+:{port}")]);

        // The page's events cannot carry a header (EventSource): the same token, checked the same way, from the cookie.
        builder.Services.AddAuthentication().AddJwtBearer(CookieScheme, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(CookieScheme).Configure<SigningKeys>((options, keys) =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new Microsoft.IdentityModel.Tokens.TokenValidationParameters
            {
                ValidIssuer = keys.Issuer,
                ValidAudience = keys.Audience,
                IssuerSigningKeys = keys.Keys,
                ValidateIssuerSigningKey = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
                RoleClaimType = TokenIssuer.RoleClaim,
            };
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context => { context.Token = context.Request.Cookies[CookieName]; return Task.CompletedTask; },
                OnAuthenticationFailed = TokenFailures.Log,
            };
        });
        return port;
    }

    /// <summary>The Orleans Dashboard's services on the silo, when the page's port (which serves it) is set.</summary>
    public static ISiloBuilder AddCentralOfficeDashboard(this ISiloBuilder silo, int? webPort) => webPort is null ? silo : silo.AddDashboard();

    /// <summary>HTTP/1.1 on the page's port, or null for the other endpoints to decide.</summary>
    public static HttpProtocols? Protocols(ListenOptions listen, int? webPort) =>
        webPort is not null && listen.IPEndPoint?.Port == webPort ? HttpProtocols.Http1 : null;

    public static WebApplication MapCentralOffice(this WebApplication app, int? webPort)
    {
        if (webPort is null) return app;
        var host = string.Create(CultureInfo.InvariantCulture, $"*:{webPort}");
        var page = app.MapGroup(PagePath).RequireHost(host);

        page.MapGet("", () => Asset("central-office.html", "text/html; charset=utf-8"));
        page.MapGet("/app.js", () => Asset("central-office.js", "text/javascript; charset=utf-8"));

        // Signing in: the token arrives once, in the Authorization header, and goes back as an HttpOnly cookie.
        page.MapPost("/session", (HttpContext context) =>
        {
            var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
            var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(context.User.FindFirst("exp")!.Value, CultureInfo.InvariantCulture));
            context.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/", // the page, and the dashboard for operators
                Expires = expires,
            });
            return Results.NoContent();
        }).RequireAuthorization(policy => policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireClaim(TokenIssuer.RoleClaim, "central_office", "operator"));

        page.MapGet("/session", () => Results.NoContent()).RequireAuthorization(OfficeCookie);
        page.MapDelete("/session", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
            return Results.NoContent();
        });

        page.MapGet("/events", Events).RequireAuthorization(OfficeCookie);
        app.MapSiloTelemetry(webPort);
        // Operators only, as /metrics: the dashboard shows the cluster's workings (grain types and keys), not figures.
        app.MapOrleansDashboard(DashboardPath).RequireHost(host).RequireAuthorization(policy =>
            policy.AddAuthenticationSchemes(CookieScheme).RequireClaim(TokenIssuer.RoleClaim, "operator"));
        return app;
    }

    private static void OfficeCookie(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(CookieScheme).RequireClaim(TokenIssuer.RoleClaim, "central_office");

    private static async Task Events(HttpContext context, IGrainFactory grains, CallerSeal seal)
    {
        // The grains check the caller again, as for a gRPC call.
        seal.Attach(new Caller(context.User.FindFirst("sub")?.Value ?? "office", Role.CentralOffice, null));
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.WriteAsync(": connected\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await foreach (var change in OrganisationWatch.Follow(grains, context.RequestAborted))
            {
                var data = JsonSerializer.Serialize(new
                {
                    teams = change.Teams.Select(PageRow.From),
                    raised = change.Raised.Select(PageAlert.From),
                    cleared = change.Cleared.Select(PageAlert.From),
                    organisation = change.Overview.Organisation,
                    regions = change.Overview.Regions,
                }, Json);
                await context.Response.WriteAsync($"event: {(change.Snapshot ? "snapshot" : "change")}\ndata: {data}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the page went away
        }
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(CentralOfficeWeb).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The page asset {name} is not embedded in the host.");
        using var reader = new StreamReader(stream);
        return Results.Content(reader.ReadToEnd(), contentType);
    }

    private sealed record PageAlert(string TeamId, string Kind, string Message, DateTimeOffset RaisedAt)
    {
        public static PageAlert From(Office.Alert alert) => new(alert.TeamId, Office.AlertRules.Code(alert.Kind), alert.Message, alert.RaisedAt);
    }

    /// <summary>A team as the page shows it: figures, region and alert codes; nothing about any client.</summary>
    private sealed record PageRow(
        string TeamId, string Name, string Status, string Region, int Caseload, int Capacity, double CapacityUse, int Members,
        double Fte, double? ClientsPerFte, int ReferralsWaiting, double? OldestWaitDays, int Admissions7d, int Declines7d,
        int Discharges7d, int Admissions28d, int Declines28d, int Discharges28d, double? MedianUpc, double? MedianCoc,
        double? DirectCareShare, int ReviewsOverdue, int OnCallCalls, DateTimeOffset AsOf, IReadOnlyList<PageAlert> Alerts)
    {
        public static PageRow From(TeamRow row)
        {
            var f = row.Figures;
            return new PageRow(f.TeamId, f.Name, f.Status.ToString(), row.Region, f.Caseload, f.Capacity,
                double.IsFinite(f.CapacityUse()) ? Math.Round(f.CapacityUse(), 3) : 1, f.Members, f.FullTimeEquivalents, f.ClientsPerFte,
                f.ReferralsWaiting, f.OldestWaitDays, f.Last7Days.Admissions, f.Last7Days.Declines, f.Last7Days.Discharges,
                f.Last28Days.Admissions, f.Last28Days.Declines, f.Last28Days.Discharges, f.MedianUpc, f.MedianCoc, f.DirectCareShare,
                f.ReviewsOverdue, f.OnCallCalls, f.AsOf, [.. row.Alerts.Select(PageAlert.From)]);
        }
    }
}
