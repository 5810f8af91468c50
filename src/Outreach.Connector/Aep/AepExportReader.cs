using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Outreach.Connector.Aep;

/// <summary>
/// Reads the body of an AEP HTTP API destination request: a single profile object, a JSON array of profiles, or
/// <c>{"profiles": [...]}</c> (Adobe batches up to ten profiles per call but does not document the batch shape, so
/// all three are accepted: docs/reference/aep.md §1.2).
/// </summary>
/// <remarks>
/// The body is read once into pooled memory with a hard size limit (nothing beyond the limit is buffered), then
/// parsed with a depth limit. A body that is not valid JSON is refused whole, so a request is never half-applied.
/// </remarks>
public sealed class AepExportReader(IOptions<AepReaderOptions> options)
{
    private readonly AepReaderOptions _options = options.Value;

    /// <summary>Reads and parses a request body stream.</summary>
    /// <returns>The export, or the reason the whole body is refused.</returns>
    public async Task<AepReadOutcome> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_options.MaxBodyBytes + 1, 64 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > _options.MaxBodyBytes)
                    {
                        return TooLarge();
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxBodyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > _options.MaxBodyBytes)
                {
                    return TooLarge();
                }
            }

            return Read(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a body already in memory. The returned export does not reference <paramref name="body"/>.</summary>
    public AepReadOutcome Read(ReadOnlyMemory<byte> body)
    {
        if (body.Length > _options.MaxBodyBytes)
        {
            return TooLarge();
        }

        if (body.IsEmpty || body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return AepReadOutcome.Refused(new AepBodyError(AepBodyErrorCodes.EmptyBody, "The request body is empty; send an AEP profile export as JSON."));
        }

        // The JSON reader checks structure, not the UTF-8 inside strings: check it here so a bad byte is the sender's
        // error with its position, not a failure later when a value is read.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            var valid = FirstInvalidUtf8Byte(body.Span);
            return AepReadOutcome.Refused(new AepBodyError(
                AepBodyErrorCodes.MalformedJson,
                "The request body is not valid UTF-8.",
                string.Create(CultureInfo.InvariantCulture, $"byte {valid + 1}")));
        }

        JsonDocument document;
        try
        {
            document = ParseCopy(body.Span);
        }
        catch (JsonException ex)
        {
            var location = ex.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}")
                : null;
            return AepReadOutcome.Refused(new AepBodyError(AepBodyErrorCodes.MalformedJson, "The request body is not valid JSON: " + FirstSentence(ex.Message), location));
        }

        var profiles = LocateProfiles(document.RootElement, out var shapeError);
        if (shapeError is not null)
        {
            document.Dispose();
            return AepReadOutcome.Refused(shapeError);
        }

        if (profiles.Count == 0)
        {
            document.Dispose();
            return AepReadOutcome.Refused(new AepBodyError(AepBodyErrorCodes.NoProfiles, "The request holds no profiles.", "$"));
        }

        if (profiles.Count > _options.MaxProfilesPerRequest)
        {
            document.Dispose();
            return AepReadOutcome.Refused(new AepBodyError(
                AepBodyErrorCodes.TooManyProfiles,
                string.Create(CultureInfo.InvariantCulture, $"The request holds {profiles.Count} profiles; at most {_options.MaxProfilesPerRequest} are accepted per request.")));
        }

        return AepReadOutcome.Read(new AepExport(document, profiles));
    }

    // ParseValue copies the bytes into the document's own pooled storage, so the caller's buffer can be reused at once.
    private JsonDocument ParseCopy(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = _options.MaxDepth });
        var document = JsonDocument.ParseValue(ref reader);
        try
        {
            if (reader.Read())
            {
                throw new JsonException("There is more content after the JSON value.", null, null, reader.BytesConsumed);
            }
        }
        catch
        {
            document.Dispose();
            throw;
        }

        return document;
    }

    private static List<AepProfileElement> LocateProfiles(JsonElement root, out AepBodyError? error)
    {
        error = null;
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                return Enumerate(root, "$");
            case JsonValueKind.Object when IsWrapper(root, out var list):
                if (RepeatedKey(root) is { } key)
                {
                    error = new AepBodyError(AepBodyErrorCodes.DuplicateKey, $"The key \"{key}\" appears more than once in the object at $; send each key once.", JsonPath.Property("$", key));
                    return [];
                }

                return Enumerate(list, "$.profiles");
            case JsonValueKind.Object:
                return [new AepProfileElement(0, "$", root)];
            default:
                error = new AepBodyError(
                    AepBodyErrorCodes.UnexpectedShape,
                    $"The request body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}; send a profile object, an array of profiles, or {{\"profiles\": [...]}}.",
                    "$");
                return [];
        }
    }

    // A wrapper has a "profiles" array and none of the members that make an object a profile.
    private static bool IsWrapper(JsonElement root, out JsonElement profiles) =>
        root.TryGetProperty("profiles", out profiles)
        && profiles.ValueKind == JsonValueKind.Array
        && !root.TryGetProperty("identityMap", out _)
        && !root.TryGetProperty("segmentMembership", out _);

    // The wrapper's own keys; keys inside profiles are checked per profile (ProfileIntegrityCheck).
    private static string? RepeatedKey(JsonElement wrapper)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in wrapper.EnumerateObject())
        {
            try
            {
                if (!seen.Add(property.Name))
                {
                    return property.Name;
                }
            }
            catch (InvalidOperationException)
            {
                // An undecodable key outside the profiles is not used; it cannot collide with "profiles".
            }
        }

        return null;
    }

    private static List<AepProfileElement> Enumerate(JsonElement array, string basePath)
    {
        var profiles = new List<AepProfileElement>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            profiles.Add(new AepProfileElement(index, string.Create(CultureInfo.InvariantCulture, $"{basePath}[{index}]"), element));
            index++;
        }

        return profiles;
    }

    private static int FirstInvalidUtf8Byte(ReadOnlySpan<byte> body)
    {
        System.Text.Unicode.Utf8.ToUtf16(body, new char[body.Length], out var bytesRead, out _, replaceInvalidSequences: false);
        return bytesRead;
    }

    private AepReadOutcome TooLarge() => AepReadOutcome.Refused(new AepBodyError(
        AepBodyErrorCodes.BodyTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the {_options.MaxBodyBytes} bytes accepted per request.")));

    // JsonException messages end with a path/line suffix that duplicates the location we report separately.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>
/// Finds what makes a profile unusable whatever the mapping: text that is not valid Unicode (a lone surrogate escape
/// such as <c>"\ud800"</c>), control characters (NUL and the like; tab, line feed and carriage return are allowed), and
/// a key that appears twice in the same object.
/// </summary>
/// <remarks>
/// Such a profile is <em>invalid</em> with the JSON path of the problem; the other profiles of the request go through.
/// One rule for duplicate keys everywhere: refused, never "first wins" or "last wins", because which value AEP meant is
/// unknowable. Checked on the whole profile, not only the mapped values, so no later reader can meet such text. Raw
/// control characters and invalid UTF-8 are already refused by the JSON reader; what remains can only arrive as a
/// <c>\u</c> escape, so a string without a backslash is never decoded here.
/// </remarks>
public static class ProfileIntegrityCheck
{
    /// <summary>A problem found in a profile: where and what.</summary>
    /// <param name="Path">The JSON path of the value or key.</param>
    /// <param name="Message">What is wrong, in a sentence, without the value itself.</param>
    public sealed record Problem(string Path, string Message);

    /// <summary>The first problem of <paramref name="profile"/> at <paramref name="path"/>, or null when there is none.</summary>
    public static Problem? Find(JsonElement profile, string path) => Check(profile, path);

    private static Problem? Check(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => CheckObject(element, path),
        JsonValueKind.Array => CheckArray(element, path),
        JsonValueKind.String => CheckValue(element, path),
        _ => null,
    };

    private static Problem? CheckArray(JsonElement array, string path)
    {
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (Check(item, JsonPath.Index(path, index)) is { } problem)
            {
                return problem;
            }

            index++;
        }

        return null;
    }

    private static Problem? CheckObject(JsonElement element, string path)
    {
        HashSet<string>? seen = null;
        foreach (var property in element.EnumerateObject())
        {
            var name = ReadName(property, path, out var nameProblem);
            if (name is null)
            {
                return nameProblem;
            }

            seen ??= new HashSet<string>(StringComparer.Ordinal);
            if (!seen.Add(name))
            {
                return new Problem(JsonPath.Property(path, name), $"The key \"{name}\" appears more than once in the object at {path}; send each key once.");
            }

            if (Check(property.Value, JsonPath.Property(path, name)) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? ReadName(JsonProperty property, string path, out Problem? problem)
    {
        problem = null;
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (!HasEscape(raw))
        {
            return property.Name;
        }

        // The path shows the key as sent (escapes kept), since it may not be decodable.
        var keyPath = JsonPath.Property(path, Encoding.UTF8.GetString(raw));
        string name;
        try
        {
            name = property.Name;
        }
        catch (InvalidOperationException)
        {
            problem = LoneSurrogate("A key", keyPath);
            return null;
        }

        problem = ControlCharacter(name, "A key", keyPath);
        return problem is null ? name : null;
    }

    private static Problem? CheckValue(JsonElement element, string path)
    {
        if (!HasEscape(JsonMarshal.GetRawUtf8Value(element)))
        {
            return null;
        }

        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return LoneSurrogate("The value", path);
        }

        return ControlCharacter(text, "The value", path);
    }

    // Only an escape can carry a lone surrogate or a control character past the JSON reader.
    private static bool HasEscape(ReadOnlySpan<byte> rawUtf8) => rawUtf8.IndexOf((byte)'\\') >= 0;

    // System.Text.Json refuses to decode a lone surrogate escape (InvalidOperationException).
    private static Problem LoneSurrogate(string what, string path) =>
        new(path, $"{what} at {path} is not valid Unicode text: it holds a lone surrogate escape (such as \\ud800).");

    private static Problem? ControlCharacter(string text, string what, string path)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not '\t' and not '\n' and not '\r')
            {
                return new Problem(path, string.Create(CultureInfo.InvariantCulture,
                    $"{what} at {path} holds the control character U+{(int)c:X4}; only tab, line feed and carriage return are accepted."));
            }
        }

        return null;
    }
}
