using System.Globalization;
using System.Net.Http.Headers;
using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>Sends prospect PATCHes to Outreach's REST API through the one pipeline (<see cref="OutreachApiSender"/>).</summary>
/// <remarks>
/// A 401 gets exactly one forced token refresh and one retry, a second 401 is <see cref="OutreachCallOutcome.Unauthorized"/>,
/// and a connection that needs re-authorization is answered without calling Outreach: all done by the pipeline.
/// Logs carry prospect ids, status codes and error ids, never tokens or attribute values.
/// </remarks>
public sealed class OutreachProspectClient(OutreachApiSender sender) : IOutreachProspectClient, IOutreachProspectCreator
{
    private static readonly MediaTypeHeaderValue JsonApi = new(ProspectPatchBody.MediaType);

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> PatchProspectAsync(long prospectId, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prospectId);
        ArgumentNullException.ThrowIfNull(attributes);
        var body = ProspectPatchBody.Build(prospectId, attributes);
        var outcome = await sender.SendAsync(
            string.Create(CultureInfo.InvariantCulture, $"PATCH prospect {prospectId}"), () => Request(prospectId, body), null, cancellationToken);

        // A PATCH's answer body is not needed: the applied case carries the status and the rate-limit headers only.
        return outcome is OutreachCallOutcome.Succeeded applied ? new OutreachCallOutcome.Succeeded(applied.StatusCode, applied.RateLimit) : outcome;
    }

    /// <inheritdoc />
    public async Task<OutreachCallOutcome> CreateProspectAsync(IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, long? ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var body = ProspectPatchBody.BuildCreate(attributes, ownerId);
        var outcome = await sender.SendAsync("POST prospect", () => CreateRequest(body), null, cancellationToken);
        if (outcome is not OutreachCallOutcome.Succeeded<ReadOnlyMemory<byte>> { Value: var answer } created)
        {
            return outcome;
        }

        // Created, and the answer names the new prospect: without its id the create cannot be recorded, so an answer
        // without one is a lost answer (look the email up before creating again).
        return ProspectPatchBody.ReadCreatedId(answer.Span) is { } id
            ? new OutreachCallOutcome.Succeeded<long>(id, created.StatusCode, created.RateLimit)
            : new OutreachCallOutcome.Transient(created.StatusCode, "Outreach's answer to a create does not name the new prospect.", null, created.RateLimit);
    }

    private static HttpRequestMessage CreateRequest(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "prospects") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonApi;
        return request;
    }

    private static HttpRequestMessage Request(long prospectId, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, ProspectPatchBody.RelativeUrl(prospectId)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonApi;
        return request;
    }
}
