using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>Sends prospect updates to Outreach and classifies the result.</summary>
public interface IOutreachProspectClient
{
    /// <summary>
    /// Sends <c>PATCH /api/v2/prospects/{id}</c> with the given attributes. Never throws for an HTTP or network
    /// failure: those become a <see cref="PatchOutcome"/>. Cancellation still throws.
    /// </summary>
    Task<PatchOutcome> PatchProspectAsync(long prospectId, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken cancellationToken);
}
