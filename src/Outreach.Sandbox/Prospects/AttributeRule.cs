namespace Outreach.Sandbox.Prospects;

/// <summary>How one writable prospect attribute is validated.</summary>
/// <param name="Kind">The accepted JSON type.</param>
/// <param name="MaxLength">The longest string (or array element) accepted, in characters.</param>
internal sealed record AttributeRule(AttributeKind Kind, int MaxLength = ProspectAttributes.DefaultMaxLength);
