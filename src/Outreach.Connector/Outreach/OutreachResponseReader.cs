namespace Outreach.Connector.Outreach;

/// <summary>
/// Reads the parts of a failed Outreach answer every client needs: the JSON:API errors (bounded) and when a 429
/// allows the next call. Shared by the PATCH client and the collection, lookup and bulk clients.
/// </summary>
internal static class OutreachResponseReader
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>When a 429 allows the next call: <c>Retry-After</c>, the reset header, or the time in the error text, clamped.</summary>
    public static DateTimeOffset RateLimitedUntil(
        HttpResponseMessage response, RateLimitSnapshot rateLimit, IReadOnlyList<OutreachError> errors, DateTimeOffset now, OutreachOptions options)
    {
        var retryAt = RateLimitHeaders.ParseRetryAfter(response.Headers, now) ?? rateLimit.ResetAt ?? OutreachErrorReader.ReadTryAgainAt(errors);
        if (retryAt is not { } at || at <= now)
        {
            // Unreadable, or a reset already in the past (a clock difference): wait the fallback.
            return now + options.RateLimitFallbackDelay;
        }

        return at - now > options.MaxRateLimitDelay ? now + options.MaxRateLimitDelay : at;
    }

    /// <summary>The error objects of a 4xx body (at most 64 KiB read); the reason phrase alone when the body is unreadable.</summary>
    public static async Task<IReadOnlyList<OutreachError>> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while (buffer.Length < MaxErrorBodyBytes && (read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, Math.Min(read, MaxErrorBodyBytes - (int)buffer.Length));
            }

            return OutreachErrorReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), response.ReasonPhrase);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status already says what happened; a body cut short only loses the details.
            return [new OutreachError(null, response.ReasonPhrase, null, null)];
        }
    }
}
