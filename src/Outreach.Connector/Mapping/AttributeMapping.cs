namespace Outreach.Connector.Mapping;

/// <summary>One profile attribute copied to Outreach, e.g. <c>person.name.firstName</c> → <c>firstName</c>.</summary>
public sealed class AttributeMapping
{
    /// <summary>The XDM path of the value in the exported profile, dot-separated.</summary>
    public string Source { get; set; } = "";

    /// <summary>The Outreach prospect attribute to write (a writable attribute, or a <c>customN</c> no audience uses).</summary>
    public string Target { get; set; } = "";
}
