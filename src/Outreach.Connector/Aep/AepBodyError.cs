namespace Outreach.Connector.Aep;

/// <summary>Why a whole request body was refused; no profile of it is used.</summary>
/// <param name="Code">A stable, machine-readable code (<see cref="AepBodyErrorCodes"/>).</param>
/// <param name="Message">What was wrong, in a sentence.</param>
/// <param name="Location">Where: a JSON path or "line L, byte B"; null when it concerns the whole body.</param>
public sealed record AepBodyError(string Code, string Message, string? Location = null);

/// <summary>The codes of <see cref="AepBodyError"/>.</summary>
public static class AepBodyErrorCodes
{
    /// <summary>The body is empty.</summary>
    public const string EmptyBody = "empty_body";

    /// <summary>The body is larger than the configured maximum.</summary>
    public const string BodyTooLarge = "body_too_large";

    /// <summary>The body is not valid JSON (or nests deeper than allowed).</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>A key appears twice in the same object outside any profile (inside one, only that profile is invalid).</summary>
    public const string DuplicateKey = "duplicate_key";

    /// <summary>The request's Content-Type is not JSON.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>The body is JSON but neither a profile, an array of profiles, nor <c>{"profiles": [...]}</c>.</summary>
    public const string UnexpectedShape = "unexpected_shape";

    /// <summary>The body is an empty list of profiles.</summary>
    public const string NoProfiles = "no_profiles";

    /// <summary>The body holds more profiles than the configured maximum.</summary>
    public const string TooManyProfiles = "too_many_profiles";
}
