namespace Outreach.Connector.Outreach;

/// <summary>Bounds each attempt of a request (the retry after a token refresh gets its own) by <see cref="OutreachOptions.RequestTimeout"/>.</summary>
/// <remarks>
/// A plain handler rather than <c>Microsoft.Extensions.Http.Resilience</c>: its timeout strategy is the one piece that
/// would fit (its retries must not be used: retrying failed deliveries is the queue's job), and a linked token is
/// all it takes, without a second versioning line of Microsoft.Extensions packages (11.x beside the pinned 10.0.15).
/// A timeout surfaces as an <see cref="OperationCanceledException"/> the caller did not ask for, which
/// <see cref="OutreachApiSender"/> answers as a transient failure.
/// </remarks>
internal sealed class OutreachAttemptTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        return await base.SendAsync(request, attempt.Token);
    }
}
