using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Outreach.Connector.Aep;

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
