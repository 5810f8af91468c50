namespace Outreach.Connector.Delivery.Outcomes;

/// <summary>
/// One fate for a message whose email reached several prospects (<c>Mapping__DuplicateEmails</c> = <c>all</c>):
/// the least final of its copies' fates, so the message stays until every prospect has it.
/// </summary>
/// <remarks>
/// Order, most binding first: retry (uses an attempt, so a copy that keeps failing ends in poison), paused, deferred,
/// poisoned, done (delivered beats up to date, excluded and rejected). Delivering the message again is safe: copies already applied are dropped as duplicates by the version store.
/// </remarks>
internal static class FateMerge
{
    internal static MessageFate LeastFinal(IReadOnlyList<MessageFate> fates)
    {
        var chosen = fates[0];
        foreach (var fate in fates.Skip(1))
        {
            var order = Rank(fate).CompareTo(Rank(chosen));
            if (order > 0 || (order == 0 && fate.NotBefore > chosen.NotBefore))
            {
                chosen = fate;
            }
            else if (order == 0 && chosen is not MessageFate.Delivered && fate is MessageFate.Delivered)
            {
                // Any prospect updated makes the message delivered.
                chosen = fate;
            }
        }

        return chosen;
    }

    private static int Rank(MessageFate fate) => fate switch
    {
        MessageFate.RetryLater => 4,
        MessageFate.Paused => 3,
        MessageFate.Deferred => 2,
        MessageFate.Poisoned => 1,
        _ => 0,
    };
}
