namespace Outreach.Connector.Outreach;

/// <summary>The JSON type Outreach expects for a prospect attribute.</summary>
public enum OutreachAttributeKind
{
    /// <summary>A string with a maximum length.</summary>
    Text,

    /// <summary>An array of strings (emails, tags, phone numbers): Outreach replaces the whole list.</summary>
    TextList,

    /// <summary>A number (score).</summary>
    Number,

    /// <summary>true or false (optedOut).</summary>
    Boolean,
}
