namespace Outreach.Connector.Outreach;

/// <summary>How to reach Outreach's REST API and OAuth server (configuration section <c>Outreach</c>).</summary>
/// <remarks>Validated at start by <see cref="OutreachOptionsValidator"/>; a bad value stops the app before it serves.</remarks>
public sealed class OutreachOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Outreach";

    /// <summary>The REST API base, ending in <c>/api/v2/</c> (a missing trailing slash is added).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.outreach.io/api/v2/");

    /// <summary>Where the user is sent to grant access.</summary>
    public Uri AuthorizeUrl { get; set; } = new("https://api.outreach.io/oauth/authorize");

    /// <summary>The token endpoint, used for the code exchange and for refreshes.</summary>
    public Uri TokenUrl { get; set; } = new("https://api.outreach.io/oauth/token");

    /// <summary>The Outreach app's client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The Outreach app's client secret (in Azure: a Key Vault reference in app settings). Never logged.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The callback URL registered with the Outreach app; Outreach redirects here with the code.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>
    /// The scopes to request, separated by spaces. Outreach scopes are not additive: PATCH needs write, GET read; bulk
    /// writes also need <c>batches.read batches.write</c>, per-record bulk writes <c>imports.read imports.write</c>
    /// (UNCONFIRMED names, <c>Delivery__PerRecordBulkScope</c>); a connection without them keeps working one PATCH per prospect.
    /// </summary>
    public string Scopes { get; set; } = "prospects.read prospects.write batches.read batches.write imports.read imports.write";

    /// <summary>How long one HTTP request to Outreach (API or token endpoint) may take before it counts as a timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait after a 429 that says nothing readable about when to come back.</summary>
    public TimeSpan RateLimitFallbackDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest wait a 429 may impose. Guards against a misread reset header (the unit is UNCONFIRMED): Outreach's
    /// window is one hour, so a reset further away than this is taken as this.
    /// </summary>
    public TimeSpan MaxRateLimitDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether a refresh request also sends <c>redirect_uri</c>. Some public clients send it, others do not; whether
    /// Outreach needs it is UNCONFIRMED, so it is a switch (off: plain RFC 6749 refresh).
    /// </summary>
    public bool SendRedirectUriOnRefresh { get; set; }

    /// <summary>The requested scopes as a list.</summary>
    public IReadOnlyList<string> ScopeList =>
        Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The API base with a trailing slash, so relative URLs such as <c>prospects/1</c> resolve under it.</summary>
    public Uri NormalizedApiBaseUrl =>
        ApiBaseUrl.AbsoluteUri.EndsWith('/') ? ApiBaseUrl : new Uri(ApiBaseUrl.AbsoluteUri + "/");
}
