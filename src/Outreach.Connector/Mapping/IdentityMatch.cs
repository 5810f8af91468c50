namespace Outreach.Connector.Mapping;

/// <summary>How a profile is matched to an Outreach prospect (the mapping's <c>identityMatch</c>).</summary>
public enum IdentityMatch
{
    /// <summary>By the Outreach prospect id AEP carries in an identity namespace (Adobe's own destination does only this).</summary>
    OutreachId,

    /// <summary>By email address, resolved to a prospect at delivery; an Outreach id in <c>outreachIdNamespace</c> still wins.</summary>
    Email,
}

/// <summary>The names of <see cref="IdentityMatch"/> values as a marketer writes them in the mapping.</summary>
public static class IdentityMatchNames
{
    /// <summary>The default, <c>outreachId</c>.</summary>
    public const string OutreachId = "outreachId";

    /// <summary><c>email</c>.</summary>
    public const string Email = "email";

    /// <summary>Reads a configured value (case-insensitive); a missing value is <see cref="IdentityMatch.OutreachId"/>.</summary>
    public static bool TryParse(string? value, out IdentityMatch match)
    {
        match = IdentityMatch.OutreachId;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || string.Equals(text, OutreachId, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, Email, StringComparison.OrdinalIgnoreCase))
        {
            match = IdentityMatch.Email;
            return true;
        }

        return false;
    }
}
