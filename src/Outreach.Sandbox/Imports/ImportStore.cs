using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;
using Outreach.Sandbox.Prospects;

namespace Outreach.Sandbox.Imports;

/// <summary>
/// The imports of <c>bulkUpsert</c>, the prospects they created, and what the admin counters report about them.
/// </summary>
/// <remarks>
/// Like the batches, processing is computed from the clock rather than run by a timer: every request first calls
/// <see cref="Advance"/>, which moves imports along whose time has come, so a fake clock in tests controls it exactly.
/// A prospect an import creates is created in <see cref="ProspectStore"/> like any other (the next id, the email
/// uniqueness rule of <c>POST /prospects</c>), so reads, PATCHes and an unfiltered bulk action see it as Outreach would;
/// this store also remembers which ones imports created: what <see cref="ImportCounters.ProspectsCreated"/> counts and
/// <c>GET /admin/imports</c> lists.
/// </remarks>
internal sealed class ImportStore(IOptions<SandboxOptions> options, ProspectStore prospects, TimeProvider time)
{
    private readonly ImportOptions _options = options.Value.Imports;
    private readonly bool _purposefulDuplicates = options.Value.ProspectCreation.PurposefulDuplicates;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Import> _imports = [];
    private readonly List<Import> _active = [];
    private readonly SortedDictionary<long, IReadOnlyList<KeyValuePair<string, JsonElement>>> _created = [];
    private Random _failures = new(options.Value.Imports.FailureSeed);
    private long _nextImportId;
    private ImportCounters _counters = new();

    public Import Create(BulkUpsertRequest request, long fileSize)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var processingAt = now + _options.ProcessingDelay;
            var import = new Import(++_nextImportId, request.DupeMethod, request.FileName, fileSize, request.Records, now, processingAt, processingAt + _options.ProcessingDuration);
            _imports[import.Id] = import;
            _active.Add(import);
            _counters = _counters with { Calls = _counters.Calls + 1, Records = _counters.Records + request.Records.Count };
            Step(import, now);
            return import;
        }
    }

    /// <summary>Moves every unfinished import along to the state its time has come for.</summary>
    public void Advance()
    {
        lock (_gate)
        {
            if (_active.Count == 0)
            {
                return;
            }

            var now = time.GetUtcNow();
            foreach (var import in _active.ToList())
            {
                Step(import, now);
            }
        }
    }

    public Import? Get(long id)
    {
        lock (_gate)
        {
            return _imports.GetValueOrDefault(id);
        }
    }

    /// <summary>Runs <paramref name="read"/> under the store's lock: the imports by id and the created prospects' attributes by id.</summary>
    public T Read<T>(Func<IReadOnlyDictionary<long, Import>, IReadOnlyDictionary<long, IReadOnlyList<KeyValuePair<string, JsonElement>>>, T> read)
    {
        lock (_gate)
        {
            return read(_imports, _created);
        }
    }

    public ImportCounters Counters()
    {
        lock (_gate)
        {
            return _counters with { Imports = _imports.Count, ProspectsCreated = _created.Count };
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _imports.Clear();
            _active.Clear();
            _created.Clear();
            _failures = new Random(_options.FailureSeed);
            _counters = new ImportCounters();
        }
    }

    private void Step(Import import, DateTimeOffset now)
    {
        if (import.State == Import.Pending && now >= import.ProcessingAt)
        {
            import.MoveTo(Import.Processing, import.ProcessingAt);
        }

        if (import.State == Import.Processing && now >= import.FinishAt)
        {
            Finish(import, import.FinishAt);
            _active.Remove(import);
            _counters = _counters with
            {
                ImportsFinished = _counters.ImportsFinished + 1,
                RecordsFailed = _counters.RecordsFailed + import.Failures,
                Dupes = _counters.Dupes + import.Dupes,
            };
        }
    }

    private void Finish(Import import, DateTimeOffset at)
    {
        if (_options.FailEveryImport)
        {
            import.Failures = import.Records.Count;
            import.ErrorReason = "The import failed (sandbox Imports:FailEveryImport).";
            import.MoveTo(Import.Failed, at);
            return;
        }

        if (!_options.ApplyNothing)
        {
            foreach (var record in import.Records)
            {
                Apply(import, record);
            }
        }

        import.MoveTo(Import.Completed, at);
    }

    private void Apply(Import import, ImportRecord record)
    {
        if (_options.FailureRate > 0 && _failures.NextDouble() < _options.FailureRate)
        {
            import.Failures++;
            return;
        }

        var existing = record.ProspectId is { } id ? prospects.Get(id) : null;
        if (existing is null)
        {
            // Upsert: a record no prospect matches is NEW, and every dupe method but overwriteNoCreate creates it
            // (the dupe method applies only "to records that already exist"). The dangerous part, kept on purpose.
            if (import.DupeMethod == BulkUpsertParser.OverwriteNoCreate)
            {
                import.Failures++;
                return;
            }

            if (prospects.Create(record.Changes, _purposefulDuplicates, out _) is not { } created)
            {
                // Its email is another prospect's and the org allows one prospect per email: not imported.
                import.Failures++;
                return;
            }

            _created[created.Id] = record.Changes;
            import.CreatedProspectIds.Add(created.Id);
            return;
        }

        import.Dupes++;
        IReadOnlyList<KeyValuePair<string, JsonElement>> changes = import.DupeMethod switch
        {
            BulkUpsertParser.Skip => [],
            BulkUpsertParser.Missing => [.. record.Changes.Where(change => IsEmpty(existing.Attributes.GetValueOrDefault(change.Key)))],
            _ => record.Changes,
        };
        if (changes.Count > 0)
        {
            prospects.Apply(existing.Id, changes, countAsPatch: false);
            _counters = _counters with { RecordsApplied = _counters.RecordsApplied + 1 };
        }
    }

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => true,
        JsonValueKind.String => value.GetString()!.Length == 0,
        JsonValueKind.Array => value.GetArrayLength() == 0,
        _ => false,
    };
}
