using System.Globalization;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>A <c>prospectsAddToSequence</c> batch Outreach accepted and whose items are not read yet.</summary>
/// <param name="BatchId">Outreach's batch id.</param>
/// <param name="SequenceId">The sequence.</param>
/// <param name="MailboxId">The mailbox.</param>
/// <param name="Entries">The entries it enrols.</param>
/// <param name="SubmittedAt">When Outreach accepted it.</param>
public sealed record EnrolmentBatch(long BatchId, long SequenceId, long MailboxId, IReadOnlyList<PendingEnrolment> Entries, DateTimeOffset SubmittedAt)
{
    /// <summary>The entries as stored: <c>prospect:mappingId:why</c>, comma-separated.</summary>
    internal string EntriesText => string.Join(',', Entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.ProspectId}:{e.MappingId}:{e.Why}")));

    /// <summary>Reads <see cref="EntriesText"/> back.</summary>
    internal static IReadOnlyList<PendingEnrolment> ParseEntries(string? text, long sequenceId, long mailboxId, DateTimeOffset since) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(part => part.Split(':')).Where(parts => parts.Length == 3).Select(parts =>
            new PendingEnrolment(
                long.Parse(parts[0], CultureInfo.InvariantCulture), sequenceId, mailboxId, int.Parse(parts[1], CultureInfo.InvariantCulture), since, parts[2]))];
}
