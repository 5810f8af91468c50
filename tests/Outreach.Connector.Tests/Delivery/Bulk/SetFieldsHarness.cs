using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Connector.Updates;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>
/// The set-fields operation on real stores in Azurite (fresh tables), the real clock with short poll intervals, and a
/// fake Outreach for the bulk path. A prospect left for its own PATCH gets one attempt that Outreach answers 503, so
/// nothing is recorded for it: what a test sees recorded is what planning and the bulk calls did.
/// </summary>
internal sealed class SetFieldsHarness
{
    private readonly SetFieldsOperation _operation;
    private readonly DeliveryOptions _delivery;

    public SetFieldsHarness(
        AzuriteFixture azurite, Action<BulkWriteOptions>? configure = null, (IOutreachProspectReader Reader, IOutreachBulkClient Bulk)? outreach = null, Action<PerRecordBulkOptions>? imports = null)
    {
        _delivery = new DeliveryOptions
        {
            TablePrefix = AzuriteFixture.UniqueName("b"),
            RequestsPerWindow = 10_000,
            SafetyMargin = 100,
            PacingMode = PacingMode.Burst,
            MaxWaitForPermit = TimeSpan.Zero,
        };
        Options = new BulkWriteOptions { BulkPollInterval = TimeSpan.FromMilliseconds(10), MaxBulkWait = TimeSpan.FromMilliseconds(500), MinProspectsPerBulkCall = 2 };
        configure?.Invoke(Options);
        Assert.True(new BulkWriteOptionsValidator().Validate(null, Options).Succeeded);
        var delivery = Microsoft.Extensions.Options.Options.Create(_delivery);
        var bulk = Microsoft.Extensions.Options.Options.Create(Options);
        var time = TimeProvider.System;
        var tables = new DeliveryTables(new TableServiceClient(azurite.ConnectionString), delivery);
        Versions = new FieldVersionStore(tables);
        var budget = new RequestBudget(tables, delivery, time, NullLogger<RequestBudget>.Instance);
        var permits = new PermitTaker(budget, delivery, time);
        Availability = new BulkWriteAvailability(bulk, time, NullLogger<BulkWriteAvailability>.Instance);
        var (reader, bulkClient) = outreach ?? (Outreach, Outreach);
        var writer = new SharedChangeWriter(bulkClient, Versions, InFlight, new BulkCallCost(), Availability, bulk, time, NullLogger<SharedChangeWriter>.Instance);
        var observer = new DeliveryTelemetry(new DeliveryCounters(tables, delivery, time), NullLogger<DeliveryEngine>.Instance);
        var recorder = new DeliveryRecorder(
            Versions, new FailureLedger(tables, time), new Backoff(_delivery, new Random(7)), observer, delivery, time, NullLogger<DeliveryRecorder>.Instance);
        Patch.Setup(c => c.PatchProspectAsync(It.IsAny<long>(), It.IsAny<IReadOnlyList<KeyValuePair<string, FieldValue>>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((long id, IReadOnlyList<KeyValuePair<string, FieldValue>> attributes, CancellationToken _) =>
            {
                lock (Patched)
                {
                    Patched[id] = attributes.Select(a => a.Key).Order(StringComparer.Ordinal).ToList();
                }

                return new OutreachCallOutcome.Transient(503, "Service Unavailable", null, default);
            });
        Imports = new FakeImportOutreach(Outreach);
        ImportOptions = new PerRecordBulkOptions { PerRecordBulk = "off", ImportFirstPoll = TimeSpan.FromMilliseconds(10), ImportPollInterval = TimeSpan.FromMilliseconds(10) };
        imports?.Invoke(ImportOptions);
        Assert.True(new PerRecordBulkOptionsValidator().Validate(null, ImportOptions).Succeeded);
        var importOptions = Microsoft.Extensions.Options.Options.Create(ImportOptions);
        var tokens = new InMemoryTokenStore();
        var authorizedAt = time.GetUtcNow();
        tokens.Seed("default", new ConnectionTokens(
            ConnectionStatus.Connected, "r", authorizedAt, "a", authorizedAt, authorizedAt.AddHours(2),
            "prospects.read prospects.write batches.read batches.write imports.read imports.write") { StatusChangedAt = authorizedAt });
        var connection = new ConnectionState("default", tokens, Microsoft.Extensions.Options.Options.Create(new TokenOptions()), time, NullLogger<ConnectionState>.Instance);
        ImportState = new PerRecordBulkStateStore(tables, delivery);
        var availability = new PerRecordBulkAvailability(ImportState, importOptions, time, NullLogger<PerRecordBulkAvailability>.Instance, connection);
        var importWriter = new RecordImportWriter(
            Imports, reader, Versions, availability, new StalledImports(Imports, importOptions, time, NullLogger<StalledImports>.Instance), importOptions, time, NullLogger<RecordImportWriter>.Instance);
        var patcher = new FieldPatcher(Patch.Object, permits, connection, recorder, observer, delivery, time, NullLogger<FieldPatcher>.Instance);
        _operation = new SetFieldsOperation(
            new FieldPlanner(reader, Versions, InFlight, bulk, NullLogger<FieldPlanner>.Instance), writer, importWriter, patcher, recorder, permits, time,
            NullLogger<SetFieldsOperation>.Instance);
    }

    public BulkWriteOptions Options { get; }

    public PerRecordBulkOptions ImportOptions { get; }

    /// <summary>The import client: records land in <see cref="Outreach"/>'s prospects when the import is read.</summary>
    public FakeImportOutreach Imports { get; }

    public PerRecordBulkStateStore ImportState { get; }

    public FieldVersionStore Versions { get; }

    public FakeBulkOutreach Outreach { get; } = new();

    public InFlightBulkWrites InFlight { get; } = new();

    public BulkWriteAvailability Availability { get; }

    /// <summary>The PATCH client: answers 503 to every prospect left for its own PATCH.</summary>
    public Mock<IOutreachProspectClient> Patch { get; } = new(MockBehavior.Strict);

    /// <summary>Per prospect left for its own PATCH, the fields the PATCH carried (sorted).</summary>
    public Dictionary<long, List<string>> Patched { get; } = [];

    /// <summary>Runs the operation on one batch of the messages and tells what became of each prospect.</summary>
    public async Task<OperationView> RunAsync(params DeliveryMessage[] messages)
    {
        var groups = Coalescer.Coalesce(messages, FieldVersion.DefaultMaxEventTimeSkew);
        var now = DateTimeOffset.UtcNow;
        var run = new BatchRun(messages, now, now + _delivery.MaxBatchDuration);
        await _operation.DeliverAsync(run, groups, CancellationToken.None);
        var fates = groups.Select(g => (Group: g, Fate: run.FateOf(g.Messages[0]))).ToList();
        return new OperationView(
            [.. fates.Where(f => f.Fate is MessageFate.Deferred).Select(f => (f.Group, ((MessageFate.Deferred)f.Fate!).Until))],
            [.. fates.Where(f => f.Fate is MessageFate.Delivered or MessageFate.UpToDate).Select(f => (f.Group, f.Fate is MessageFate.Delivered))],
            run.Counts);
    }

    /// <summary>The fields of the prospect whose version is recorded, as field → value hash.</summary>
    public async Task<Dictionary<string, string>> RecordedAsync(long prospectId) =>
        (await Versions.ReadAsync(prospectId, CancellationToken.None)).Fields.ToDictionary(f => f.Key, f => f.Value.ValueHash);
}

/// <summary>What one batch of the set-fields operation did, by prospect.</summary>
/// <param name="Deferred">Prospects waiting for a bulk job still in flight, with when to try again.</param>
/// <param name="Completed">Prospects done without their own PATCH: written by a bulk job (<c>Written</c>), or up to date.</param>
/// <param name="Counts">The batch's counters.</param>
internal sealed record OperationView(
    IReadOnlyList<(CoalescedUpdate Group, DateTimeOffset Until)> Deferred,
    IReadOnlyList<(CoalescedUpdate Group, bool Written)> Completed,
    IReadOnlyDictionary<string, long> Counts);
