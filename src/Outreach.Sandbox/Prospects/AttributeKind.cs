namespace Outreach.Sandbox.Prospects;

/// <summary>The JSON type a writable prospect attribute accepts.</summary>
internal enum AttributeKind
{
    /// <summary>A string (or null), limited to the rule's maximum length.</summary>
    String,

    /// <summary>An array of strings (or null), e.g. <c>emails</c>, <c>tags</c>, the phone arrays; replaced whole.</summary>
    StringArray,

    /// <summary>A number (or null), e.g. <c>score</c>.</summary>
    Number,

    /// <summary>true or false, e.g. <c>optedOut</c>.</summary>
    Boolean,

    /// <summary>An ISO-8601 date-time string (or null), e.g. <c>availableAt</c>.</summary>
    DateTime,
}
