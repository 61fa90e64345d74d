using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// The one scheme of the management API. An Authorization header wins over the cookie: with Basic or Bearer the
/// cookie is not consulted, so an API client's request is never treated as a console request (and never needs CSRF).
/// </summary>
public sealed class FulcrumAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    /// <summary>Set in <see cref="HttpContext.Items"/> when the throttle refused a Basic login; the challenge is then 429.</summary>
    internal const string RetryAfterItem = "fulcrum:auth:retry-after";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly UserStore _users;
    private readonly SessionStore _sessions;
    private readonly LoginThrottle _throttle;

    public FulcrumAuthenticationHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        UserStore users,
        SessionStore sessions,
        LoginThrottle throttle)
        : base(options, logger, encoder)
    {
        _users = users;
        _sessions = sessions;
        _throttle = throttle;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(Authenticate());

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RetryAfterItem] is TimeSpan wait)
        {
            await AuthProblems.TooManyAttempts(Context, wait).ExecuteAsync(Context);
            return;
        }
        var result = await HandleAuthenticateOnceSafeAsync();
        var bearer = TryScheme(Request.Headers.Authorization.ToString(), "Bearer", out _);
        if (result.Failure is not null && !bearer && Request.Cookies.ContainsKey(AuthDefaults.CookieName))
        {
            // The cookie is stale; dropping it lets the console start clean.
            Response.Cookies.Delete(AuthDefaults.CookieName, SessionCookie.Options(Context, expires: null));
        }
        await AuthProblems.Unauthorized(Context, result.Failure?.Message, invalidToken: bearer && result.Failure is not null).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.Forbidden(Context.User.FindFirstValue(ClaimTypes.Role), []).ExecuteAsync(Context);

    private AuthenticateResult Authenticate()
    {
        var authorization = Request.Headers.Authorization;
        if (authorization.Count > 1)
        {
            return Fail("more than one Authorization header");
        }
        var value = authorization.ToString();
        if (value.Length > 0)
        {
            if (TryScheme(value, "Basic", out var basic))
            {
                return AuthenticateBasic(basic);
            }
            if (TryScheme(value, "Bearer", out var bearer))
            {
                return AuthenticateSession(bearer, AuthMethods.Bearer);
            }
            return Fail("unsupported Authorization scheme; use Basic or Bearer");
        }
        if (Request.Cookies[AuthDefaults.CookieName] is { Length: > 0 } cookie)
        {
            return AuthenticateSession(cookie, AuthMethods.Cookie);
        }
        return AuthenticateResult.NoResult();
    }

    private AuthenticateResult AuthenticateBasic(string encoded)
    {
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        string decoded;
        try
        {
            if (!Convert.TryFromBase64String(encoded, bytes, out var length))
            {
                return Fail("malformed Basic credentials");
            }
            decoded = StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return Fail("Basic credentials must be UTF-8");
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return Fail("malformed Basic credentials");
        }
        var name = decoded[..colon];
        var outcome = CredentialCheck.Check(Context, _users, _throttle, Logger, name, decoded[(colon + 1)..], AuthMethods.Basic);
        if (outcome.RetryAfter is { } wait)
        {
            Context.Items[RetryAfterItem] = wait;
            return AuthenticateResult.Fail("too many failed logins");
        }
        if (outcome.User is not { } user)
        {
            return AuthenticateResult.Fail("wrong user name or password");
        }
        return Success(user.Name, user.Role, AuthMethods.Basic, null);
    }

    private AuthenticateResult AuthenticateSession(string token, string kind)
    {
        var session = _sessions.Validate(token, kind);
        return session is null
            ? Fail(kind == AuthMethods.Bearer ? "the token is unknown, expired or revoked" : "the session has expired or was ended; log in again")
            : Success(session.User, session.Role, kind, session);
    }

    private AuthenticateResult Success(string user, string role, string method, Session? session)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user),
            new(ClaimTypes.Role, role),
            new(AuthClaims.Method, method),
        };
        if (session is not null)
        {
            claims.Add(new Claim(AuthClaims.Session, session.IdHash));
            if (session.Csrf is not null)
            {
                claims.Add(new Claim(AuthClaims.Csrf, session.Csrf));
            }
        }
        AuthLog.RequestAuthenticated(Logger, user, method, CredentialCheck.ClientAddress(Context));
        var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private AuthenticateResult Fail(string reason)
    {
        AuthLog.AuthenticationFailed(Logger, reason, CredentialCheck.ClientAddress(Context));
        return AuthenticateResult.Fail(reason);
    }

    private static bool TryScheme(string header, string scheme, out string parameter)
    {
        if (header.Length > scheme.Length && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header[scheme.Length] == ' ')
        {
            parameter = header[(scheme.Length + 1)..].Trim();
            return true;
        }
        parameter = "";
        return false;
    }
}
