using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WorkCentre.ServiceDefaults;

/// <summary>The staff roles a token's <c>role</c> claim may hold.</summary>
public static class Roles
{
    public const string Advisor = "advisor";
    public const string Partner = "partner";
    public const string EmployerAdvisor = "employer-advisor";
    public const string Matchmaker = "matchmaker";
    public const string Manager = "manager";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Advisor, Partner, EmployerAdvisor, Matchmaker, Manager, Admin];
}

/// <summary>Authorization policies, one per role, named as the role; an admin satisfies every one.</summary>
public static class Policies
{
    public const string Advisor = Roles.Advisor;
    public const string Partner = Roles.Partner;
    public const string EmployerAdvisor = Roles.EmployerAdvisor;
    public const string Matchmaker = Roles.Matchmaker;
    public const string Manager = Roles.Manager;
    public const string Admin = Roles.Admin;
}

/// <summary>The claims WorkCentre reads from a staff member's token.</summary>
public static class StaffClaims
{
    /// <summary>Pseudonymous staff id.</summary>
    public const string Subject = "sub";
    public const string Role = "role";
    /// <summary>Organisation code, e.g. of the partner whose inbox the staff member works.</summary>
    public const string Organisation = "org";

    /// <summary>Who acts: the pseudonymous staff id. Authentication refuses tokens without one.</summary>
    public static string ActorOf(this ClaimsPrincipal user) =>
        user.FindFirst(Subject)?.Value ?? throw new InvalidOperationException("The user has no 'sub' claim; is the endpoint authorised?");

    /// <summary>The organisation the staff member works for, or null when the token names none.</summary>
    public static string? OrganisationOf(this ClaimsPrincipal user) => user.FindFirst(Organisation)?.Value;
}

/// <summary>Tokens signed with a shared development key, for Development, tests and the <c>workcentre token</c> command.</summary>
public static class DevelopmentAuth
{
    /// <summary>Used only when the environment is Development or Testing and <c>Auth:SigningKey</c> is not set.</summary>
    public const string SigningKey = "workcentre-development-signing-key-change-me-0123456789";
    public const string Issuer = "workcentre-dev";
    public const string Audience = "workcentre";

    /// <summary>A signed HS256 token; a negative lifetime gives one that has already expired.</summary>
    public static string CreateToken(string subject, IEnumerable<string> roles, string organisation, TimeSpan lifetime, string? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + lifetime;
        var issued = lifetime > TimeSpan.Zero ? now : expires - TimeSpan.FromMinutes(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            Claims = new Dictionary<string, object>
            {
                [StaffClaims.Subject] = subject,
                [StaffClaims.Role] = roles.ToArray(),
                [StaffClaims.Organisation] = organisation,
            },
            SigningCredentials = new SigningCredentials(Key(signingKey ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    internal static SymmetricSecurityKey Key(string signingKey)
    {
        var bytes = Encoding.UTF8.GetBytes(signingKey);
        return bytes.Length >= 32
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (HS256).");
    }
}

internal static class AuthSetup
{
    public static void AddWorkCentreAuth(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Configured from the final configuration and checked at start, so a production service without
        // an authority or key refuses to start instead of refusing every request.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfiguration, IHostEnvironment>(Configure)
            .ValidateOnStart();

        // Deny by default: an endpoint that forgets RequireAuthorization is closed, not open; probes opt out explicitly.
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var role in Roles.All)
        {
            authorization.AddPolicy(role, policy => policy.RequireAuthenticatedUser().RequireRole(role, Roles.Admin));
        }
    }

    private static void Configure(JwtBearerOptions options, IConfiguration configuration, IHostEnvironment environment)
    {
        var auth = configuration.GetSection("Auth");
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            NameClaimType = StaffClaims.Subject,
            RoleClaimType = StaffClaims.Role,
            ValidAudience = auth["Audience"] ?? DevelopmentAuth.Audience,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal?.FindFirst(StaffClaims.Subject) is null)
                {
                    context.Fail("The token has no 'sub' claim.");
                }
                return Task.CompletedTask;
            },
        };
        if (auth["Authority"] is { Length: > 0 } authority)
        {
            // Keys and issuer come from the authority's OIDC discovery document.
            options.Authority = authority;
            options.Audience = options.TokenValidationParameters.ValidAudience;
            return;
        }
        var development = environment.IsDevelopment() || environment.IsEnvironment("Testing");
        var key = auth["SigningKey"] is { Length: > 0 } configured ? configured
            : development ? DevelopmentAuth.SigningKey
            : throw new InvalidOperationException(
                $"Authentication is not configured for environment '{environment.EnvironmentName}': set Auth:Authority (an OIDC authority) " +
                "or Auth:SigningKey (a shared HS256 key of at least 32 bytes). The development key is only used in Development and Testing.");
        // The development key is public (it is in this repository): anyone could sign a token with it.
        if (key == DevelopmentAuth.SigningKey && !development)
        {
            throw new InvalidOperationException(
                $"Auth:SigningKey is the public development key, refused in environment '{environment.EnvironmentName}': set a random key of at least 32 bytes.");
        }
        options.TokenValidationParameters.ValidIssuer = auth["Issuer"] ?? DevelopmentAuth.Issuer;
        options.TokenValidationParameters.IssuerSigningKey = DevelopmentAuth.Key(key);
    }
}
