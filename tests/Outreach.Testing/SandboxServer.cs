using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Outreach.Sandbox;
using Outreach.Sandbox.Admin;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Faults;
using Outreach.Sandbox.OAuth;
using Outreach.Sandbox.Prospects;
using Outreach.Sandbox.Sequences;

namespace Outreach.Testing;

/// <summary>
/// Starts the Outreach sandbox in-process on a free loopback port (real Kestrel, real HTTP) for a test, and
/// drives its sandbox-only admin surface and OAuth sign-in. Dispose it to stop the server.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    /// <summary>The scopes a prospect-updating connector asks for.</summary>
    public const string DefaultScope = "prospects.read prospects.write";

    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, SandboxOptions options)
    {
        _app = app;
        Options = options;
        BaseAddress = SandboxApp.GetBaseAddress(app);
        // No automatic redirects: the sign-in helper reads the code from the 302's Location.
        Admin = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
    }

    /// <summary>The options in effect (with the demo client and user filled in when none were given).</summary>
    public SandboxOptions Options { get; }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The API base, <c>…/api/v2/</c>; prospect URLs resolve against it (<c>prospects/7</c>).</summary>
    public Uri ApiBaseAddress => new(BaseAddress, "api/v2/");

    /// <summary>The OAuth authorize URL (sign-in page).</summary>
    public Uri AuthorizeUri => new(BaseAddress, "oauth/authorize");

    /// <summary>The OAuth token URL (code exchange and refresh).</summary>
    public Uri TokenUri => new(BaseAddress, "oauth/token");

    /// <summary>The first configured client's id.</summary>
    public string ClientId => Options.Clients[0].ClientId;

    /// <summary>The first configured client's secret.</summary>
    public string ClientSecret => Options.Clients[0].ClientSecret;

    /// <summary>The first configured client's first redirect URI (any loopback URI also works by default).</summary>
    public string RedirectUri => Options.Clients[0].RedirectUris.FirstOrDefault() ?? SandboxClient.DemoRedirectUri;

    /// <summary>The first configured user's email.</summary>
    public string UserEmail => Options.Users[0].Email;

    /// <summary>The first configured user's password.</summary>
    public string UserPassword => Options.Users[0].Password;

    /// <summary>A client for the sandbox's own endpoints (<c>/admin</c>, <c>/oauth</c>); it does not follow redirects.</summary>
    public HttpClient Admin { get; }

    /// <summary>Starts a sandbox, by default on <c>http://127.0.0.1:0</c> (a free port).</summary>
    /// <param name="options">Sandbox options; defaults (demo client and user, 1000 prospects) when null.</param>
    /// <param name="timeProvider">The sandbox's clock, e.g. a FakeTimeProvider; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="url">The address to listen on (a fixed port for the local run).</param>
    public static async Task<SandboxServer> StartAsync(
        SandboxOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default, string url = "http://127.0.0.1:0")
    {
        options ??= new SandboxOptions();
        var app = SandboxApp.Create(options, url, timeProvider);
        try
        {
            await app.StartAsync(cancellationToken);
            return new SandboxServer(app, options);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>An HttpClient for the API with the bearer token set and <see cref="ApiBaseAddress"/> as base.</summary>
    public HttpClient CreateApiClient(string accessToken)
    {
        var client = new HttpClient { BaseAddress = ApiBaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>
    /// Completes the OAuth sign-in non-interactively (posts the sign-in form) and returns the authorization code
    /// the sandbox put on the redirect. Throws when the sandbox does not redirect with the code and the same state.
    /// </summary>
    public async Task<string> AuthorizeAsync(
        string state,
        string? redirectUri = null,
        string scope = DefaultScope,
        string? email = null,
        string? password = null,
        string? clientId = null,
        CancellationToken cancellationToken = default)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId ?? ClientId,
            ["redirect_uri"] = redirectUri ?? RedirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["email"] = email ?? UserEmail,
            ["password"] = password ?? UserPassword,
        });
        using var response = await Admin.PostAsync(AuthorizeUri, form, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Found || response.Headers.Location is not { } location)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"The sandbox sign-in answered {(int)response.StatusCode} instead of a redirect: {body}");
        }

        var query = QueryHelpers.ParseQuery(location.Query);
        if (!query.TryGetValue("code", out var code) || query["state"] != state)
        {
            throw new InvalidOperationException($"The sandbox redirected without a code or with another state: {location}");
        }

        return code.ToString();
    }

    /// <summary>Signs in and exchanges the code: the tokens a freshly connected app holds.</summary>
    public async Task<TokenResponse> ConnectAsync(string scope = DefaultScope, string? email = null, string? password = null, CancellationToken cancellationToken = default)
    {
        var code = await AuthorizeAsync("connect", scope: scope, email: email, password: password, cancellationToken: cancellationToken);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
            ["redirect_uri"] = RedirectUri,
            ["code"] = code,
        });
        using var response = await Admin.PostAsync(TokenUri, content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(SandboxJsonContext.Default.TokenResponse, cancellationToken))!;
    }

    /// <summary>What the sandbox counted since start or the last reset.</summary>
    public Task<SandboxCounters> GetCountersAsync(CancellationToken cancellationToken = default) =>
        GetAsync("admin/counters", SandboxJsonContext.Default.SandboxCounters, cancellationToken);

    /// <summary>The request log, oldest first; <paramref name="after"/> is the last sequence already read.</summary>
    public Task<IReadOnlyList<RequestLogEntry>> GetRequestsAsync(long after = 0, CancellationToken cancellationToken = default) =>
        GetAsync($"admin/requests?after={after}", SandboxJsonContext.Default.IReadOnlyListRequestLogEntry, cancellationToken);

    /// <summary>The active fault settings.</summary>
    public Task<FaultSettings> GetFaultsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("admin/faults", SandboxJsonContext.Default.FaultSettings, cancellationToken);

    /// <summary>Replaces the active fault settings; returns them as the sandbox applied them.</summary>
    public async Task<FaultSettings> SetFaultsAsync(FaultSettings faults, CancellationToken cancellationToken = default)
    {
        using var response = await Admin.PutAsJsonAsync("admin/faults", faults, SandboxJsonContext.Default.FaultSettings, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(SandboxJsonContext.Default.FaultSettings, cancellationToken))!;
    }

    /// <summary>Turns every fault off.</summary>
    public async Task ClearFaultsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Admin.DeleteAsync("admin/faults", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Revokes every token of a user (the first user by default), as if they disconnected the app.</summary>
    public async Task<RevokeResult> RevokeUserAsync(string? email = null, CancellationToken cancellationToken = default)
    {
        using var response = await Admin.PostAsync($"admin/users/{Uri.EscapeDataString(email ?? UserEmail)}/revoke", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(SandboxJsonContext.Default.RevokeResult, cancellationToken))!;
    }

    /// <summary>Clears log, counters and rate-limit windows, restores start-up faults and seeded prospects; also tokens when asked.</summary>
    public async Task ResetAsync(bool includeOAuth = false, CancellationToken cancellationToken = default)
    {
        using var response = await Admin.PostAsync(includeOAuth ? "admin/reset?oauth=true" : "admin/reset", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>A prospect's attributes as stored (read through the admin surface: no token, no rate-limit charge); null when it does not exist.</summary>
    public async Task<JsonElement?> GetProspectAttributesAsync(long id, CancellationToken cancellationToken = default)
    {
        using var response = await Admin.GetAsync($"admin/prospects/{id}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.GetProperty("data").GetProperty("attributes").Clone();
    }

    /// <summary>The prospects created per email (<c>GET /admin/prospectCreations</c>), for one email or all.</summary>
    public Task<IReadOnlyList<EmailCreations>> GetProspectCreationsAsync(string? email = null, CancellationToken cancellationToken = default) =>
        GetAsync(
            email is null ? "admin/prospectCreations" : $"admin/prospectCreations?email={Uri.EscapeDataString(email)}",
            SandboxJsonContext.Default.IReadOnlyListEmailCreations,
            cancellationToken);

    /// <summary>The enrolments per (prospect, sequence) (<c>GET /admin/enrolments</c>), optionally for one prospect or sequence.</summary>
    public Task<IReadOnlyList<EnrolmentCount>> GetEnrolmentsAsync(long? prospectId = null, long? sequenceId = null, CancellationToken cancellationToken = default)
    {
        var query = new Dictionary<string, string?>();
        if (prospectId is { } prospect)
        {
            query["prospectId"] = prospect.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (sequenceId is { } sequence)
        {
            query["sequenceId"] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return GetAsync(QueryHelpers.AddQueryString("admin/enrolments", query), SandboxJsonContext.Default.IReadOnlyListEnrolmentCount, cancellationToken);
    }

    /// <summary>
    /// Set by a test that sends unfiltered bulk actions on purpose. Otherwise disposing fails when the sandbox counted
    /// any, so every test, benchmark and local run that uses a sandbox checks that nothing sent one.
    /// </summary>
    public bool ExpectsUnfilteredBulkActions { get; set; }

    /// <summary>
    /// Set by a test that creates prospects through an import on purpose (a dupe method other than
    /// <c>overwriteNoCreate</c> with an id no prospect has). Otherwise disposing fails when the sandbox counted any.
    /// </summary>
    public bool ExpectsProspectsCreatedByImports { get; set; }

    /// <summary>
    /// Set by a test that creates a second prospect with an email on purpose (purposeful duplicates on). Otherwise
    /// disposing fails when a create made a duplicate: Outreach has no idempotency key, so a retried create does.
    /// </summary>
    public bool ExpectsDuplicateProspects { get; set; }

    /// <summary>
    /// Set by a test that enrols one prospect in one sequence more than once on purpose. Otherwise disposing fails when
    /// the sandbox counted such a repeat: on a real org each enrolment starts the sequence's emails again.
    /// </summary>
    public bool ExpectsRepeatEnrolments { get; set; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">
    /// The sandbox received an unfiltered bulk action, an import created a prospect, a create made a duplicate prospect
    /// or a prospect was enrolled twice, and the test did not say it expected it.
    /// </exception>
    public async ValueTask DisposeAsync()
    {
        var problems = await UnexpectedDangersAsync();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
    }

    private async Task<List<string>> UnexpectedDangersAsync()
    {
        var problems = new List<string>();
        if (ExpectsUnfilteredBulkActions && ExpectsProspectsCreatedByImports && ExpectsDuplicateProspects && ExpectsRepeatEnrolments)
        {
            return problems;
        }

        var counters = await GetCountersAsync();
        // A bulk action without an id filter modifies (or enrols) every prospect of a real Outreach org (docs/reference/outreach-api.md).
        if (!ExpectsUnfilteredBulkActions && counters.Bulk.Unfiltered > 0)
        {
            problems.Add($"The Outreach sandbox received {counters.Bulk.Unfiltered} unfiltered bulk action(s): on a real org each one modifies every prospect (or enrols every prospect in a sequence).");
        }

        // An import with a dupe method that can create adds a prospect to a real org (docs/reference/outreach-imports.md).
        if (!ExpectsProspectsCreatedByImports && counters.Imports.ProspectsCreated > 0)
        {
            problems.Add($"An import created {counters.Imports.ProspectsCreated} prospect(s) in the Outreach sandbox: on a real org each one is a new prospect nobody asked for.");
        }

        if (!ExpectsDuplicateProspects && counters.ProspectCreation.DuplicatesCreated > 0)
        {
            problems.Add($"The Outreach sandbox created {counters.ProspectCreation.DuplicatesCreated} prospect(s) with an email another prospect already held: a duplicate on a real org (GET /admin/prospectCreations lists them).");
        }

        if (!ExpectsRepeatEnrolments && counters.Sequences.RepeatEnrolments > 0)
        {
            problems.Add($"The Outreach sandbox enrolled a prospect in a sequence it had already been enrolled in {counters.Sequences.RepeatEnrolments} time(s): on a real org the sequence's emails start again (GET /admin/enrolments lists them).");
        }

        return problems;
    }

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await Admin.GetAsync(path, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync(type, cancellationToken))!;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The sandbox answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }
}
