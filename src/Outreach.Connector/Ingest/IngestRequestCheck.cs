using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Outreach.Connector.Aep;

namespace Outreach.Connector.Ingest;

/// <summary>
/// What is checked from the request headers before a byte of the body is read: the media type (415) and a declared
/// length over the limit (413), so an oversized body is refused by the connector before the server's own limit throws.
/// </summary>
/// <remarks>
/// AEP's HTTP destination sends JSON; which <c>Content-Type</c> header it sets is not documented (see
/// docs/reference/aep.md), so <c>application/json</c>, any <c>+json</c> type and a missing header are accepted (the body
/// must still parse as JSON), and a charset other than UTF-8 is refused since the body is read as UTF-8.
/// </remarks>
public sealed class IngestRequestCheck(IOptions<AepReaderOptions> options)
{
    private readonly AepReaderOptions _options = options.Value;

    /// <summary>The largest body accepted, in bytes.</summary>
    public int MaxBodyBytes => _options.MaxBodyBytes;

    /// <summary>The refusal for these headers, or null when the body should be read.</summary>
    /// <param name="contentType">The <c>Content-Type</c> header; null or empty when absent.</param>
    /// <param name="contentLength">The declared <c>Content-Length</c>; null when chunked or absent.</param>
    public IngestResponse? Refusal(string? contentType, long? contentLength)
    {
        if (!IsJson(contentType, out var problem))
        {
            return IngestResponse.Error(
                (int)HttpStatusCode.UnsupportedMediaType,
                AepBodyErrorCodes.UnsupportedMediaType,
                problem + " Send the export as application/json (UTF-8).");
        }

        return contentLength > _options.MaxBodyBytes ? TooLarge() : null;
    }

    /// <summary>The 413 answer, also used when the server stops a body that is larger than it declared.</summary>
    public IngestResponse TooLarge() => IngestResponse.Error(
        (int)HttpStatusCode.RequestEntityTooLarge,
        AepBodyErrorCodes.BodyTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {_options.MaxBodyBytes} bytes accepted per request."));

    private static bool IsJson(string? contentType, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            problem = "The Content-Type header is not a media type.";
            return false;
        }

        var json = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            problem = $"The media type {mediaType} is not accepted.";
            return false;
        }

        var charset = parsed.CharSet?.Trim('"');
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"The charset {charset} is not accepted.";
            return false;
        }

        return true;
    }
}
