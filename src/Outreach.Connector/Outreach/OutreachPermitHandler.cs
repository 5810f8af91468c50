namespace Outreach.Connector.Outreach;

/// <summary>
/// Awaits the request's <see cref="OutreachRequestOptions.BeforeSend"/> (a permit from the shared request budget)
/// before every send, the retry after a token refresh included, since Outreach counts that one too.
/// </summary>
/// <remarks>
/// The permit itself is taken by the one permit taker (<c>Delivery/Budget/PermitPurse</c>), not here: it needs the
/// caller's batch deadline and lease, and "not sent: the budget is spent until T" is the caller's decision to defer
/// its messages. Callers that take their permits before the call (the PATCH loop, the bulk pass, whose calls cost
/// several permits) set nothing; a callback that cannot have a permit throws, and nothing is sent.
/// </remarks>
internal sealed class OutreachPermitHandler : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(OutreachRequestOptions.BeforeSend, out var beforeSend))
        {
            await beforeSend(cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
