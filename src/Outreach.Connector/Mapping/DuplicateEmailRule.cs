namespace Outreach.Connector.Mapping;

/// <summary>What delivery does when several Outreach prospects share an email (setting <c>Mapping__DuplicateEmails</c>).</summary>
/// <remarks>Outreach allows "purposeful duplicates", so a lookup by email can return more than one prospect.</remarks>
public enum DuplicateEmailRule
{
    /// <summary>Update none of them; the update is excluded as <c>ambiguous_email</c> with the prospect ids (the default).</summary>
    Skip,

    /// <summary>Update every prospect with the email.</summary>
    All,

    /// <summary>Update the prospect with the lowest id, the one created first.</summary>
    LowestId,
}

/// <summary>The names of <see cref="DuplicateEmailRule"/> values as they are configured.</summary>
public static class DuplicateEmailRuleNames
{
    /// <summary>The values, in the words the setting takes.</summary>
    public const string Allowed = "skip, all or lowest_id";

    /// <summary>Reads a configured value (case-insensitive; <c>lowestId</c> is accepted too); a missing value is <see cref="DuplicateEmailRule.Skip"/>.</summary>
    public static bool TryParse(string? value, out DuplicateEmailRule rule)
    {
        rule = DuplicateEmailRule.Skip;
        switch (value?.Trim().ToUpperInvariant())
        {
            case null or "" or "SKIP":
                return true;
            case "ALL":
                rule = DuplicateEmailRule.All;
                return true;
            case "LOWEST_ID" or "LOWESTID":
                rule = DuplicateEmailRule.LowestId;
                return true;
            default:
                return false;
        }
    }
}
