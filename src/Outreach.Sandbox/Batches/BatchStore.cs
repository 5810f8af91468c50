using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Batches;

/// <summary>
/// The bulk actions' batches and their items, and what the admin counters report about bulk calls.
/// </summary>
/// <remarks>
/// Processing is computed from the clock rather than run by a timer: every request first calls <see cref="Advance"/>,
/// which applies the items whose time has come. What a client can observe is the same as with continuous processing,
/// and a fake clock in tests controls it exactly.
/// </remarks>
internal sealed class BatchStore(IOptions<SandboxOptions> options, ProspectStore prospects, TimeProvider time)
{
    public const string BulkModifyAction = "prospectsBulkModify";

    private readonly BulkOptions _options = options.Value.Bulk;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Batch> _batches = [];
    private readonly List<Batch> _active = [];
    private long _nextBatchId;
    private long _nextItemId;
    private BulkCounters _counters = new();

    /// <summary>Creates a batch over <paramref name="prospectIds"/>; it starts at once when confirmation is skipped.</summary>
    /// <param name="prospectIds">The selected prospects, one item each.</param>
    /// <param name="changes">The action's payload; <c>prospectsBulkModify</c> applies it to each prospect.</param>
    /// <param name="skipConfirmation">Start at once rather than wait for a confirm.</param>
    /// <param name="hadQueryFilter">Whether the call had an id filter in its query (counted).</param>
    /// <param name="unfiltered">Whether nothing selected the prospects, so the action hits every one (counted: the guard).</param>
    /// <param name="action">The bulk action's name.</param>
    /// <param name="itemAction">What one item does for other actions (see <see cref="Batch.ItemAction"/>).</param>
    public Batch Create(
        IReadOnlyList<long> prospectIds,
        IReadOnlyList<KeyValuePair<string, JsonElement>> changes,
        bool skipConfirmation,
        bool hadQueryFilter,
        bool unfiltered,
        string action = BulkModifyAction,
        Func<long, string?>? itemAction = null)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var batch = new Batch(++_nextBatchId, action, changes, now) { ItemAction = itemAction };
            foreach (var prospectId in prospectIds)
            {
                batch.Items.Add(new BatchItem(++_nextItemId, batch.Id, prospectId, changes, now));
            }

            if (skipConfirmation)
            {
                batch.StartedAt = now;
            }

            _batches[batch.Id] = batch;
            _active.Add(batch);
            _counters = _counters with
            {
                Calls = _counters.Calls + 1,
                WithoutQueryFilter = _counters.WithoutQueryFilter + (hadQueryFilter ? 0 : 1),
                Unfiltered = _counters.Unfiltered + (unfiltered ? 1 : 0),
                Items = _counters.Items + batch.Total,
            };
            ProcessDue(batch, now);
            return batch;
        }
    }

    /// <summary>Starts a batch waiting for confirmation; false when the count does not match its total.</summary>
    public bool Confirm(Batch batch, int confirmedCount)
    {
        lock (_gate)
        {
            if (batch.StartedAt is not null || confirmedCount != batch.Total)
            {
                return false;
            }

            var now = time.GetUtcNow();
            batch.ConfirmedAt = now;
            batch.StartedAt = now;
            batch.UpdatedAt = now;
            ProcessDue(batch, now);
            return true;
        }
    }

    /// <summary>Processes every item whose time has come.</summary>
    public void Advance()
    {
        lock (_gate)
        {
            if (_active.Count == 0)
            {
                return;
            }

            var now = time.GetUtcNow();
            foreach (var batch in _active.ToList())
            {
                ProcessDue(batch, now);
            }
        }
    }

    public Batch? Get(long id)
    {
        lock (_gate)
        {
            return _batches.GetValueOrDefault(id);
        }
    }

    /// <summary>Runs <paramref name="read"/> under the store's lock, so a batch and its items are seen consistently.</summary>
    public T Read<T>(Func<IReadOnlyDictionary<long, Batch>, T> read)
    {
        lock (_gate)
        {
            return read(_batches);
        }
    }

    public BulkCounters Counters()
    {
        lock (_gate)
        {
            return _counters with
            {
                Batches = _batches.Count,
                ItemsProcessed = _batches.Values.Sum(b => b.ProcessedCount),
                ItemsFailed = _batches.Values.Sum(b => b.Failures),
            };
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _batches.Clear();
            _active.Clear();
            _counters = new BulkCounters();
        }
    }

    /// <summary>Processes the started batch's items due by <paramref name="now"/>; an empty batch finishes at once.</summary>
    private void ProcessDue(Batch batch, DateTimeOffset now)
    {
        if (batch.StartedAt is { } started)
        {
            var due = (int)Math.Min(batch.Total, Math.Floor((now - started).TotalSeconds * _options.ItemsPerSecond));
            Process(batch, due, started);
        }
    }

    private void Process(Batch batch, int due, DateTimeOffset started)
    {
        for (var index = batch.ProcessedCount; index < due; index++)
        {
            var item = batch.Items[index];
            var at = started + TimeSpan.FromSeconds((index + 1) / _options.ItemsPerSecond);
            var failure = Failure(item);
            if (failure is null && batch.ItemAction is { } act)
            {
                failure = act(item.ProspectId);
            }
            else if (failure is null)
            {
                prospects.Apply(item.ProspectId, item.Changes, countAsPatch: false);
            }

            if (failure is not null)
            {
                batch.Failures++;
            }

            item.Complete(failure, at);
            batch.ProcessedCount++;
            batch.UpdatedAt = at;
        }

        if (batch.Pending == 0)
        {
            batch.FinishedAt = batch.Total == 0 ? started : batch.Items[^1].UpdatedAt;
            batch.UpdatedAt = batch.FinishedAt.Value;
            _active.Remove(batch);
        }
    }

    private string? Failure(BatchItem item)
    {
        if (prospects.Get(item.ProspectId) is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Could not find 'prospect' with ID '{item.ProspectId}'.");
        }

        return _options.ValidationFailureIds.Contains(item.ProspectId)
            ? string.Create(CultureInfo.InvariantCulture, $"Validation Error: prospect {item.ProspectId} could not be saved (sandbox Bulk:ValidationFailureIds).")
            : null;
    }
}
