namespace Outreach.Sandbox.Admin;

/// <summary>One call the sandbox saw, as listed by <c>GET /admin/requests</c> (no bodies).</summary>
/// <param name="Sequence">1-based order of arrival; pass the last one seen as <c>after</c> to page.</param>
/// <param name="Time">When the call arrived (sandbox clock, UTC).</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query string.</param>
/// <param name="ProspectId">The prospect id in the path, for <c>/api/v2/prospects/{id}</c>.</param>
/// <param name="StatusCode">The answer's status; 499 when the client aborted before an answer.</param>
/// <param name="User">The user behind the access token (or who signed in), when known.</param>
/// <param name="ClientId">The OAuth app behind the access token, when known.</param>
/// <param name="Fault">The injected fault: <c>latency</c>, <c>timeout</c>, <c>serverError</c> or <c>forcedRateLimit</c>.</param>
public sealed record RequestLogEntry(
    long Sequence,
    DateTimeOffset Time,
    string Method,
    string Path,
    long? ProspectId,
    int StatusCode,
    string? User,
    string? ClientId,
    string? Fault);
