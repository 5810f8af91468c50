using OutreachFunctions.Functions.Protocol;

namespace OutreachFunctions.Functions.Http;

/// <summary>
/// Tells a request whose body the Functions host dropped from one that really had none. The host copies a body into
/// the envelope only when the request carried a <c>Content-Length</c> above zero, so a chunked body
/// (<c>Transfer-Encoding: chunked</c>) arrives as no body at all (docs/reference/functions-host.md §2.1, §12). Such a
/// request is answered 411 Length Required, telling the caller to send <c>Content-Length</c>; a request that said
/// <c>Content-Length: 0</c> keeps the function's own answer to an empty body.
/// </summary>
public static class DroppedBody
{
    /// <summary>The error code of the 411 answer.</summary>
    public const string ErrorCode = "length_required";

    /// <summary>What the 411 answer says.</summary>
    public const string Message =
        "The request body was sent without a Content-Length header (chunked transfer encoding); the Azure Functions host " +
        "drops such bodies, so nothing was received. Send the body with a Content-Length header.";

    /// <summary>
    /// True when <paramref name="request"/> has no body and its headers show a chunked one, or, when the forwarded headers
    /// say nothing about the length, it is a POST, PUT or PATCH that did not say <c>Content-Length: 0</c>.
    /// </summary>
    public static bool WasDropped(HttpTriggerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(request.Body))
        {
            return false;
        }

        var transferEncoding = request.Header("Transfer-Encoding");
        if (transferEncoding is not null && transferEncoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (request.Header("Content-Length") is not null)
        {
            return false;
        }

        return HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method);
    }
}
