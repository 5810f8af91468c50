

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>
/// The bulk jobs of this process that Outreach has not finished, and the (prospect, field) pairs they write.
/// </summary>
/// <remarks>
/// The ordering rule for bulk writes: while a job writes field F of a prospect, no other write of F for that prospect
/// is sent; a newer value that arrives meanwhile is deferred until the job has finished, then written after it, and
/// the version store (which only ever records newer versions) keeps the field from going back. Drainers in other
/// processes are kept apart by per-prospect claims, not by this registry.
/// </remarks>
public sealed class InFlightBulkWrites
{
    /// <summary>
    /// How long a job whose end cannot be learnt is waited for before it is given up: its prospects are written again,
    /// with the same values, rather than held up for ever by a job Outreach may never finish.
    /// </summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<(long ProspectId, string Field), InFlightBulkJob> _writing = [];
    private readonly List<InFlightBulkJob> _jobs = [];

    /// <summary>How many jobs are in flight.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _jobs.Count;
            }
        }
    }

    /// <summary>Registers a job Outreach accepted. Throws when any of its fields is already being written by another job.</summary>
    public void Start(InFlightBulkJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            var pairs = job.Versions.Keys.SelectMany(id => job.Change.Keys.Select(field => (id, field))).ToList();
            foreach (var pair in pairs)
            {
                if (_writing.TryGetValue(pair, out var busy))
                {
                    throw new InvalidOperationException($"Field {pair.field} of prospect {pair.id} is already written by bulk job {busy.BatchId}.");
                }
            }

            foreach (var pair in pairs)
            {
                _writing.Add(pair, job);
            }

            _jobs.Add(job);
        }
    }

    /// <summary>The job writing any of <paramref name="fields"/> of the prospect, or null when none is in flight.</summary>
    public InFlightBulkJob? Blocking(long prospectId, IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        lock (_gate)
        {
            foreach (var field in fields)
            {
                if (_writing.TryGetValue((prospectId, field), out var job))
                {
                    return job;
                }
            }

            return null;
        }
    }

    /// <summary>The jobs whose next poll is due at <paramref name="now"/>, oldest first.</summary>
    public IReadOnlyList<InFlightBulkJob> DueForPoll(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _jobs.Where(j => j.NextPollAt <= now).OrderBy(j => j.SubmittedAt).ToList();
        }
    }

    /// <summary>Removes a job that has finished (or was given up): its fields may be written again.</summary>
    public void Finish(InFlightBulkJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_gate)
        {
            if (!_jobs.Remove(job))
            {
                return;
            }

            foreach (var id in job.Versions.Keys)
            {
                foreach (var field in job.Change.Keys)
                {
                    _writing.Remove((id, field));
                }
            }
        }
    }
}
