using Outreach.Connector.Updates;

namespace Outreach.Connector.Outreach;

/// <summary>Creates Outreach prospects (<c>POST /prospects</c>): the request of the operation that creates the prospect an email names.</summary>
public interface IOutreachProspectCreator
{
    /// <summary>
    /// Creates one prospect with <paramref name="attributes"/> (its <c>emails</c> included) and, when given, the owner.
    /// Never throws for HTTP or network failures; cancellation throws.
    /// </summary>
    /// <returns>
    /// <see cref="OutreachCallOutcome.Succeeded{T}"/> of the new prospect's id; a dry run's <see cref="OutreachCallOutcome.Succeeded"/>
    /// without one; or the failure. A <see cref="OutreachCallOutcome.Transient"/> may have been applied (the answer was
    /// lost): Outreach has no idempotency key, so only a look-up by email tells.
    /// </returns>
    Task<OutreachCallOutcome> CreateProspectAsync(IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, long? ownerId, CancellationToken cancellationToken);
}
