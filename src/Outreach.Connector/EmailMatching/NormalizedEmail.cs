namespace Outreach.Connector.EmailMatching;

/// <summary>Turns an email address from AEP into the one form the connector matches, caches and hashes: trimmed and lower-cased.</summary>
/// <remarks>
/// Lower-casing the whole address (local part included) follows what Outreach's duplicate detection appears to do
/// (an "email hash" in its errors) and AEP's own <c>Email_LC_SHA256</c> namespace; whether Outreach's
/// <c>filter[emails]</c> is case-sensitive is UNCONFIRMED (see docs/reference/outreach-api.md, email lookup). The syntax
/// check is deliberately loose: it refuses what cannot be an address, not every address RFC 5322 would refuse.
/// </remarks>
public static class NormalizedEmail
{
    /// <summary>The longest address accepted (RFC 5321's path limit).</summary>
    public const int MaxLength = 254;

    private const int MaxLocalPartLength = 64;

    /// <summary>
    /// Normalizes <paramref name="raw"/>; false with <paramref name="problem"/> (a sentence without the address, which
    /// is personal data) when it cannot be an email address.
    /// </summary>
    public static bool TryNormalize(string? raw, out string normalized, out string problem)
    {
        normalized = "";
        var text = raw?.Trim() ?? "";
        if (text.Length == 0)
        {
            problem = "The email address is empty.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            problem = $"The email address is longer than {MaxLength} characters.";
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != text.LastIndexOf('@') || at == text.Length - 1)
        {
            problem = "The value is not an email address: it needs exactly one @ with text on both sides.";
            return false;
        }

        if (at > MaxLocalPartLength)
        {
            problem = $"The part of the email address before the @ is longer than {MaxLocalPartLength} characters.";
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"')
            {
                problem = "The email address contains a space, a control character or one of < > , ; \" (a list or a display name is not one address).";
                return false;
            }
        }

        var domain = text.AsSpan(at + 1);
        if (domain[0] == '.' || domain[^1] == '.' || domain.Contains("..", StringComparison.Ordinal))
        {
            problem = "The domain of the email address (after the @) has an empty part between dots.";
            return false;
        }

        normalized = text.ToLowerInvariant();
        problem = "";
        return true;
    }
}
