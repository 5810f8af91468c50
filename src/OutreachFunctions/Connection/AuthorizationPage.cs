using System.Net;
using Outreach.Connector.Delivery.Operations.SequenceEnrolment;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Connection;

/// <summary>
/// The small HTML page the person sees at the end of connecting Outreach: "Connected", as AEP's own UI says, or what
/// went wrong and what to do. Shared by the standalone and the Functions callback.
/// </summary>
public static class AuthorizationPage
{
    /// <summary>The content type of the page.</summary>
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>
    /// The status code and page for the result of a callback. Once connected, each audience's sequence is checked
    /// against Outreach (<see cref="SequenceHealth.CheckAfterConnectAsync"/>), so a disabled sequence or a mailbox that
    /// may not send shows on this page, not first in health.
    /// </summary>
    public static async Task<(int StatusCode, string Html)> ForAsync(AuthorizationCompletion completion, SequenceHealth sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var problems = completion is AuthorizationCompletion.Connected ? await sequences.CheckAfterConnectAsync(cancellationToken) : [];
        return For(completion, problems);
    }

    /// <summary>The status code and page for the result of a callback, with the sequence problems found once connected.</summary>
    public static (int StatusCode, string Html) For(AuthorizationCompletion completion, IReadOnlyList<string>? sequenceProblems = null)
    {
        var (status, html) = Base(completion);
        return sequenceProblems is { Count: > 0 } && completion is AuthorizationCompletion.Connected
            ? (status, html.Replace("</body>", Paragraphs(["Sequences are not ready, so nobody is enrolled yet (field updates go on):", .. sequenceProblems]) + "</body>", StringComparison.Ordinal))
            : (status, html);
    }

    private static (int StatusCode, string Html) Base(AuthorizationCompletion completion) => completion switch
    {
        AuthorizationCompletion.Connected { MissingScopes.Count: 0 } connected =>
            (200, Page("Connected", $"The connector is connected to Outreach (connection '{connected.ConnectionName}'). Queued updates are delivered again; you can close this page.")),
        AuthorizationCompletion.Connected connected =>
            (200, Page("Connected, with missing permissions",
                $"The connector is connected to Outreach, but Outreach did not grant {string.Join(", ", connected.MissingScopes)}. " +
                "Updates will fail with a permission error until an Outreach user with those permissions connects again.")),
        AuthorizationCompletion.InvalidState { Problem: OAuthStateProblem.Expired } =>
            (400, Page("Not connected", "The sign-in took too long and this link expired. Start again from the Connect link.")),
        AuthorizationCompletion.InvalidState =>
            (400, Page("Not connected", "This sign-in link is not valid or was already used. Start again from the Connect link.")),
        AuthorizationCompletion.Denied denied =>
            (400, Page("Not connected", $"Outreach reports that access was not granted ({denied.Error}). Start again from the Connect link and allow access.")),
        AuthorizationCompletion.CodeRefused refused =>
            (400, Page("Not connected",
                $"Outreach refused the authorization code (HTTP {refused.StatusCode}{(refused.Error is { } error ? ", " + error : "")}): it has expired, was already used, " +
                "or was issued for another app. Open the Connect link again and sign in once; do not reload or reuse this page.")),
        AuthorizationCompletion.Failed { Retryable: true } failed =>
            (502, Page("Not connected", failed.Reason + " Start again from the Connect link.")),
        AuthorizationCompletion.Failed failed =>
            (502, Page("Not connected", failed.Reason)),
        _ => throw new ArgumentOutOfRangeException(nameof(completion), completion, "Unknown authorization result."),
    };

    private static string Paragraphs(IEnumerable<string> lines) => string.Concat(lines.Select(line => "<p>" + WebUtility.HtmlEncode(line) + "</p>"));

    private static string Page(string title, string message) =>
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}} – Outreach connector</title>
        <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.6rem}</style>
        </head><body><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(message)}}</p></body></html>
        """;
}
