using System.Net.Http.Headers;
using Outreach.Connector.Outreach;

namespace OutreachFunctions.Probe;

/// <summary>Keeps the raw rate-limit headers of the last API answer, so the probe can report their format as sent.</summary>
public sealed class RateLimitHeaderRecorder : DelegatingHandler
{
    private static readonly string[] Names =
    [
        RateLimitHeaders.LimitHeader, RateLimitHeaders.RemainingHeader, RateLimitHeaders.ResetHeader, RateLimitHeaders.RetryAfterHeader,
        "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset",
    ];

    private IReadOnlyDictionary<string, string> _last = new Dictionary<string, string>();

    /// <summary>Creates the recorder in front of <paramref name="inner"/>.</summary>
    public RateLimitHeaderRecorder(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>The rate-limit headers of the last answer that carried any (name → value as sent).</summary>
    public IReadOnlyDictionary<string, string> Last => Volatile.Read(ref _last);

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var seen = Read(response.Headers);
        if (seen.Count > 0)
        {
            Volatile.Write(ref _last, seen);
        }

        return response;
    }

    private static Dictionary<string, string> Read(HttpResponseHeaders headers)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Names)
        {
            if (headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0)
            {
                seen[name] = string.Join(',', values);
            }
        }

        return seen;
    }
}
