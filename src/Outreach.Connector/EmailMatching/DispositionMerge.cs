using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Outcomes;

namespace Outreach.Connector.EmailMatching;

/// <summary>
/// One disposition for a message whose email reached several prospects (<c>Mapping__DuplicateEmails</c> = <c>all</c>):
/// the least final of its copies' dispositions, so the message stays until every prospect has it.
/// </summary>
/// <remarks>
/// Order, most binding first: retry (uses an attempt, so a copy that keeps failing ends in poison), hold, defer, poison,
/// complete. Delivering the message again is safe: copies already applied are dropped as duplicates by the version store.
/// </remarks>
internal static class DispositionMerge
{
    internal static MessageDisposition LeastFinal(IReadOnlyList<MessageDisposition> dispositions)
    {
        var chosen = dispositions[0];
        foreach (var disposition in dispositions.Skip(1))
        {
            var order = Rank(disposition).CompareTo(Rank(chosen));
            if (order > 0 || (order == 0 && disposition.NotBefore > chosen.NotBefore))
            {
                chosen = disposition;
            }
            else if (order == 0 && chosen is MessageDisposition.Complete { Reason: not CompletionReason.Applied } && disposition is MessageDisposition.Complete { Reason: CompletionReason.Applied })
            {
                // Any prospect updated makes the message's completion an applied one.
                chosen = disposition;
            }
        }

        return chosen;
    }

    private static int Rank(MessageDisposition disposition) => disposition.Kind switch
    {
        DispositionKind.RetryLater => 4,
        DispositionKind.Hold => 3,
        DispositionKind.DeferUntil => 2,
        DispositionKind.Poison => 1,
        _ => 0,
    };
}
