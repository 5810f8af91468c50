using System.Buffers;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Outreach.Connector.Aep;
using Outreach.Connector.Mapping;

namespace Outreach.Connector.Ingest;

/// <summary>The HTTP answer to AEP for one export request: a status code and a JSON body.</summary>
/// <remarks>
/// 202 when at least one profile was queued, listing the profiles that were excluded or invalid and why (valid
/// profiles in the same request always go through); 422 when no profile could be used; 400 or 413 when the body was
/// refused whole. The body names paths and reasons, never attribute values.
/// </remarks>
public sealed record IngestResponse(int StatusCode, byte[] Body)
{
    /// <summary>The error code of a 4xx/5xx answer (<c>body_too_large</c> …); null for 202.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The content type of every body.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The answer for a translated export whose accepted updates were queued.</summary>
    public static IngestResponse For(ExportTranslation translation)
    {
        ArgumentNullException.ThrowIfNull(translation);
        if (translation.BodyError is { } error)
        {
            var status = error.Code == AepBodyErrorCodes.BodyTooLarge ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.BadRequest;
            return Error((int)status, error.Code, error.Message, error.Location);
        }

        var accepted = translation.AcceptedCount;
        const string noProfileAccepted = "no_profile_accepted";
        return new IngestResponse(accepted > 0 ? (int)HttpStatusCode.Accepted : (int)HttpStatusCode.UnprocessableEntity, Write(writer =>
        {
            writer.WriteNumber("accepted", accepted);
            writer.WriteNumber("excluded", translation.ExcludedCount);
            writer.WriteNumber("invalid", translation.InvalidCount);
            if (accepted == 0)
            {
                writer.WriteStartObject("error");
                writer.WriteString("code", noProfileAccepted);
                writer.WriteString("message", "No profile in the request could be written to Outreach; see excludedProfiles and invalidProfiles.");
                writer.WriteEndObject();
            }

            writer.WriteStartArray("excludedProfiles");
            foreach (var excluded in translation.Outcomes.OfType<ProfileOutcome.Excluded>())
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", excluded.Index);
                writer.WriteString("path", excluded.Path);
                writer.WriteString("reason", excluded.Reason);
                writer.WriteString("detail", excluded.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("invalidProfiles");
            foreach (var invalid in translation.Outcomes.OfType<ProfileOutcome.Invalid>())
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", invalid.Index);
                writer.WriteString("path", invalid.Path);
                writer.WriteString("errorPath", invalid.ErrorPath);
                writer.WriteString("message", invalid.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }))
        {
            ErrorCode = accepted > 0 ? null : noProfileAccepted,
        };
    }

    /// <summary>An error answer: <c>{"error":{"code","message","location"}}</c>.</summary>
    public static IngestResponse Error(int statusCode, string code, string message, string? location = null) =>
        new(statusCode, Write(writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            if (location is not null)
            {
                writer.WriteString("location", location);
            }

            writer.WriteEndObject();
        }))
        {
            ErrorCode = code,
        };

    // Messages read as written (an apostrophe, not \u0027): the body is JSON for programs and people, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
