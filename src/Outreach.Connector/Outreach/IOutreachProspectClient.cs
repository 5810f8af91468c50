using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>Sends prospect updates to Outreach and classifies the result.</summary>
public interface IOutreachProspectClient
{
    /// <summary>
    /// Sends <c>PATCH /api/v2/prospects/{id}</c> with the given attributes. Never throws for an HTTP or network
    /// failure: those become an <see cref="OutreachCallOutcome"/> (<see cref="OutreachCallOutcome.Succeeded"/> when
    /// applied). Cancellation still throws.
    /// </summary>
    Task<OutreachCallOutcome> PatchProspectAsync(long prospectId, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken cancellationToken);
}
