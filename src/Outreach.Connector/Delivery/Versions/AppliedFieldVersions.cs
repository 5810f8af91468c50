using Azure;

namespace Outreach.Connector.Delivery.Versions;

/// <summary>The field versions Outreach is known to hold for one prospect, as read from <see cref="FieldVersionStore"/>.</summary>
/// <param name="ProspectId">The prospect.</param>
/// <param name="Fields">Field name to the version of the value last applied.</param>
/// <param name="ETag">The entity's ETag, for a conditional write; null when the prospect has no entity yet.</param>
public sealed record AppliedFieldVersions(long ProspectId, IReadOnlyDictionary<string, FieldVersion> Fields, ETag? ETag)
{
    /// <summary>A prospect nothing has been applied to yet.</summary>
    public static AppliedFieldVersions None(long prospectId) =>
        new(prospectId, new Dictionary<string, FieldVersion>(StringComparer.Ordinal), null);
}
