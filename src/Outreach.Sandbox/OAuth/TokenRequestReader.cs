using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Outreach.Sandbox.OAuth;

/// <summary>Reads the fields of a token request from a form-urlencoded or a JSON body (open-source clients use both).</summary>
internal static class TokenRequestReader
{
    /// <summary>The request's fields, or null when the body is neither a form nor a JSON object.</summary>
    public static async Task<Dictionary<string, string>?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Dictionary<string, string>? fields = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            fields = form.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        }
        else if (request.HasJsonContentType())
        {
            fields = await ReadJsonAsync(request, cancellationToken);
        }

        if (fields is not null)
        {
            AddBasicCredentials(request, fields);
        }

        return fields;
    }

    private static async Task<Dictionary<string, string>?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // RFC 6749 §2.3.1 also allows client credentials in an HTTP Basic header; body fields win when both are sent.
    private static void AddBasicCredentials(HttpRequest request, Dictionary<string, string> fields)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd("client_id", Uri.UnescapeDataString(decoded[..colon]));
                fields.TryAdd("client_secret", Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
        }
        catch (FormatException)
        {
            // A malformed Basic header is treated as absent; the missing credentials give invalid_client.
        }
    }
}
