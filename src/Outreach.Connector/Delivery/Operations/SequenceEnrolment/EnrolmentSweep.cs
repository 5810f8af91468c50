using System.Globalization;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Mapping;
using Names = Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceCounterNames;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>
/// Sends what waits in the enrolment store without new traffic: entries whose <c>Sequences__MaxEnrolmentDelay</c>
/// passed, entries the guard held once the hour turns, entries that waited for readiness or the budget, batches not
/// read yet, and exits still owed (<see cref="SequenceExitActions.RetryOwedAsync"/>). The standalone runtime runs it
/// every <c>Sequences__SweepInterval</c>, the Functions app from its <c>EnrolmentSweep</c> timer.
/// </summary>
/// <remarks>
/// It does what a delivery batch's enrolment step does (<see cref="EnrolmentSender.SendAsync"/>, the same conditional
/// writes, so a sweep and delivery batches on several drainers enrol each entry once) in a run of its own with the
/// engine's batch time limit, and keeps its counts through <see cref="IDeliveryObserver.WorkFinishedAsync"/>, the same
/// hourly counters and metrics. Nothing runs without sequences in the mapping or in a dry run; with nothing waiting a
/// sweep is one table query.
/// </remarks>
public sealed partial class EnrolmentSweep
{
    private readonly EnrolmentStore _store;
    private readonly EnrolmentSender _sender;
    private readonly SequenceExitActions _exits;
    private readonly IDeliveryObserver _observer;
    private readonly IOptions<DeliveryOptions> _delivery;
    private readonly TimeProvider _time;
    private readonly ILogger<EnrolmentSweep> _logger;
    private readonly CompiledMapping? _mapping;

    internal EnrolmentSweep(
        EnrolmentStore store,
        EnrolmentSender sender,
        SequenceExitActions exits,
        IDeliveryObserver observer,
        IOptions<DeliveryOptions> delivery,
        TimeProvider time,
        ILogger<EnrolmentSweep> logger,
        CompiledMapping? mapping = null)
    {
        (_store, _sender, _exits, _observer, _delivery, _time, _logger, _mapping) = (store, sender, exits, observer, delivery, time, logger, mapping);
    }

    /// <summary>Sends what waits, if anything does; expected failures (storage) are a result, never an exception.</summary>
    public async Task<EnrolmentSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        if (_mapping is not { Sequences.Count: > 0 })
        {
            return EnrolmentSweepResult.NoSequences;
        }

        if (_delivery.Value.DryRun)
        {
            return EnrolmentSweepResult.DryRun;
        }

        try
        {
            if (!await _store.AnythingWaitsAsync(cancellationToken))
            {
                return EnrolmentSweepResult.NothingWaits;
            }

            var startedAt = _time.GetUtcNow();
            var run = new BatchRun([], startedAt, startedAt + _delivery.Value.MaxBatchDuration);
            await _sender.SendAsync(run, _mapping.Sequences, cancellationToken);
            await _exits.RetryOwedAsync(run, _mapping.Sequences, cancellationToken);
            await _observer.WorkFinishedAsync(startedAt, run.Counts);
            var result = new EnrolmentSweepResult(
                EnrolmentSweepResult.Kinds.Swept, run.Counted(Names.Requests), run.Counted(Names.Enrolled), run.Counted(Names.Held), run.Counted(Names.NotReady), run.Stop?.Until);
            if (result.Requests + result.Enrolled + result.Held + result.NotReady > 0)
            {
                // Quiet while entries only wait (held by the guard until the hour turns, sweep after sweep).
                LogSwept(_logger, result.Requests, result.Enrolled, result.Held, result.NotReady);
            }

            return result;
        }
        catch (RequestFailedException ex)
        {
            // The store could not be read or written: what waits stays, and the next sweep or delivery batch sends it.
            LogStorageFailed(_logger, ex);
            return EnrolmentSweepResult.StorageFailed;
        }
    }

    [LoggerMessage(EventId = 3341, Level = LogLevel.Information, Message = "Enrolment sweep: {Requests} Outreach requests, {Enrolled} enrolled, {Held} newly held by the guard, {NotReady} waiting for readiness")]
    private static partial void LogSwept(ILogger logger, long requests, long enrolled, long held, long notReady);

    [LoggerMessage(EventId = 3342, Level = LogLevel.Warning, Message = "Enrolment sweep: the enrolment store is unavailable; what waits is sent by the next sweep or delivery batch")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);
}

/// <summary>What one <see cref="EnrolmentSweep.SweepAsync"/> did.</summary>
/// <param name="Kind">One of <see cref="Kinds"/>.</param>
/// <param name="Requests">Outreach requests sent (bulk actions, polls, failed-item reads, readiness reads).</param>
/// <param name="Enrolled">Entries Outreach enrolled (of this sweep's batches and earlier ones it read).</param>
/// <param name="Held">Entries newly held by the hourly guard.</param>
/// <param name="NotReady">Entries newly waiting for their sequence or mailbox to be ready.</param>
/// <param name="StoppedUntil">When sending may resume, when the budget or Outreach's rate limit stopped it.</param>
public sealed record EnrolmentSweepResult(string Kind, long Requests, long Enrolled, long Held, long NotReady, DateTimeOffset? StoppedUntil)
{
    /// <summary>The mapping names no sequence: nothing to sweep.</summary>
    public static readonly EnrolmentSweepResult NoSequences = new(Kinds.NoSequences, 0, 0, 0, 0, null);

    /// <summary><c>Delivery__DryRun</c>: nothing is sent.</summary>
    public static readonly EnrolmentSweepResult DryRun = new(Kinds.DryRun, 0, 0, 0, 0, null);

    /// <summary>Nothing waits (one table query).</summary>
    public static readonly EnrolmentSweepResult NothingWaits = new(Kinds.NothingWaits, 0, 0, 0, 0, null);

    /// <summary>The enrolment store was unavailable.</summary>
    public static readonly EnrolmentSweepResult StorageFailed = new(Kinds.StorageFailed, 0, 0, 0, 0, null);

    /// <summary>One line for a log: what the sweep did, counts only.</summary>
    public string Describe() => Kind switch
    {
        Kinds.NoSequences => "Enrolment sweep: the mapping has no sequence; nothing to do.",
        Kinds.DryRun => "Enrolment sweep: dry run (Delivery__DryRun); nothing is sent.",
        Kinds.NothingWaits => "Enrolment sweep: nothing waits.",
        Kinds.StorageFailed => "Enrolment sweep: the enrolment store is unavailable; what waits is sent by a later sweep or delivery batch.",
        _ => string.Create(CultureInfo.InvariantCulture, $"Enrolment sweep: {Requests} Outreach requests, {Enrolled} enrolled, {Held} newly held by the guard, {NotReady} waiting for readiness")
            + (StoppedUntil is { } until ? string.Create(CultureInfo.InvariantCulture, $"; sending stopped until {until:O}.") : "."),
    };

    /// <summary>The values of <see cref="Kind"/>.</summary>
    public static class Kinds
    {
        /// <summary>See <see cref="NoSequences"/>.</summary>
        public const string NoSequences = "no_sequences";

        /// <summary>See <see cref="DryRun"/>.</summary>
        public const string DryRun = "dry_run";

        /// <summary>See <see cref="NothingWaits"/>.</summary>
        public const string NothingWaits = "nothing_waits";

        /// <summary>See <see cref="StorageFailed"/>.</summary>
        public const string StorageFailed = "storage_failed";

        /// <summary>What waited was looked at and sent as its turn allowed.</summary>
        public const string Swept = "swept";
    }
}
