using System.Diagnostics;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Outreach;

namespace Outreach.Connector.Delivery.Telemetry;

/// <summary>
/// What the delivery engine reports while it works on a batch (spans, metrics, stored counters), so the engine itself
/// only delivers. <see cref="DeliveryTelemetry"/> is the one implementation the app registers.
/// </summary>
public interface IDeliveryObserver
{
    /// <summary>A batch starts; the returned scope (a span, or null) ends with the batch.</summary>
    IDisposable? BatchStarted(int messages, TimeSpan oldestUpdateAge);

    /// <summary>Work on one prospect starts; the returned span (or null) ends with the prospect.</summary>
    Activity? ProspectStarted(CoalescedUpdate group);

    /// <summary>Outreach answered one prospect's PATCH.</summary>
    void PatchAnswered(Activity? prospect, OutreachCallOutcome outcome);

    /// <summary>An applied PATCH wrote an audience's value.</summary>
    void AudienceWritten(string audienceId, string value);

    /// <summary>Outreach refused the connection's credentials.</summary>
    void NeedsReauthorization();

    /// <summary>
    /// Work done outside a delivery batch (the enrolment sweep, <c>EnrolmentSweep</c>) is finished: keeps its counts in the
    /// same hourly counters and metrics a batch's go to, without recording it as a delivery batch (the status page's last
    /// batch and queue lag stay the queue's). Never throws for a storage failure.
    /// </summary>
    Task WorkFinishedAsync(DateTimeOffset startedAt, IReadOnlyDictionary<string, long> counts);

    /// <summary>The batch is decided: keeps its counts. Never throws for a storage failure (telemetry never redelivers).</summary>
    Task BatchFinishedAsync(DateTimeOffset startedAt, TimeSpan oldestUpdateAge, IReadOnlyDictionary<string, long> counts, IReadOnlyCollection<string> audiencesWritten);
}
