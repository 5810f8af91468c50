using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Claims;
using Outreach.Connector.Delivery.Operations.SetFields;
using Outreach.Connector.Delivery.Operations.SetFields.RecordImport;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;
using Outreach.Connector.Delivery.Outcomes;
using Outreach.Connector.Delivery.Telemetry;
using Outreach.Connector.Delivery.Versions;
using Outreach.Connector.EmailMatching;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery;

/// <summary>A delivery engine wired to real stores on Azurite (fresh tables per harness), a fake clock and a mocked Outreach.</summary>
internal sealed class DeliveryHarness
{
    /// <param name="azurite">The storage emulator.</param>
    /// <param name="configure">Changes to the test's delivery options.</param>
    /// <param name="service">Another table service (e.g. one that fails).</param>
    /// <param name="bulkOutreach">
    /// When given, the set-fields operation writes shared changes in bulk through this fake before its PATCHes (on the
    /// harness's fake clock, so a test whose bulk jobs must be polled advances <see cref="Time"/>).
    /// </param>
    public DeliveryHarness(AzuriteFixture azurite, Action<DeliveryOptions>? configure = null, TableServiceClient? service = null, Bulk.FakeBulkOutreach? bulkOutreach = null)
    {
        Options = new DeliveryOptions
        {
            TablePrefix = AzuriteFixture.UniqueName("t"),
            RequestsPerWindow = 1_000,
            SafetyMargin = 0,
            PacingMode = PacingMode.Burst,
            MaxWaitForPermit = TimeSpan.Zero,
            MaxAttempts = 5,
            BurstPermits = 1,
        };
        configure?.Invoke(Options);
        var validation = new DeliveryOptionsValidator().Validate(null, Options);
        Assert.True(validation.Succeeded, validation.FailureMessage);

        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Time = new FakeTimeProvider(TestUpdates.Start);
        Tables = new DeliveryTables(service ?? new TableServiceClient(azurite.ConnectionString), options);
        Versions = new FieldVersionStore(Tables);
        Budget = new RequestBudget(Tables, options, Time, NullLogger<RequestBudget>.Instance);
        Ledger = new FailureLedger(Tables, Time);
        Counters = new DeliveryCounters(Tables, options, Time);
        TokenStore = new InMemoryTokenStore();
        Pause = new ConnectionState(ConnectionName, TokenStore, Microsoft.Extensions.Options.Options.Create(new TokenOptions()), Time, NullLogger<ConnectionState>.Instance);
        Backoff = new Backoff(Options, new Random(7));
        // Every batch is planned by the pass; without a bulk fake it plans only (no reads of Outreach, no bulk actions,
        // unchanged values resent), so the engine's PATCH path is tested as it was before bulk writes existed.
        var bulkOptions = bulkOutreach is null
            ? new BulkWriteOptions { BulkWrites = BulkWriteMode.Off, ReadBeforeWrite = false, ResendUnchanged = true }
            : new BulkWriteOptions();
        var permits = new PermitTaker(Budget, options, Time);
        var bulkClient = bulkOutreach ?? new Bulk.FakeBulkOutreach();
        var bulk = Microsoft.Extensions.Options.Options.Create(bulkOptions);
        var inFlight = new InFlightBulkWrites();
        var writer = new SharedChangeWriter(
            bulkClient, Versions, inFlight, new BulkCallCost(),
            new BulkWriteAvailability(bulk, Time, NullLogger<BulkWriteAvailability>.Instance), bulk, Time, NullLogger<SharedChangeWriter>.Instance);
        Observer = new DeliveryTelemetry(Counters, Logger);
        Recorder = new DeliveryRecorder(Versions, Ledger, Backoff, Observer, options, Time, Logger.As<DeliveryRecorder>());
        Patcher = new FieldPatcher(Outreach.Object, permits, Pause, Recorder, Observer, options, Time, Logger.As<FieldPatcher>());
        // Per-record bulk writes off: the engine's tests are about the PATCH path and the shared bulk pass.
        var importOptions = Microsoft.Extensions.Options.Options.Create(new PerRecordBulkOptions { PerRecordBulk = "off" });
        var importClient = new Bulk.FakeImportOutreach(bulkClient as Bulk.FakeBulkOutreach ?? new Bulk.FakeBulkOutreach());
        var imports = new RecordImportWriter(
            importClient, bulkClient, Versions,
            new PerRecordBulkAvailability(new PerRecordBulkStateStore(Tables, options), importOptions, Time, NullLogger<PerRecordBulkAvailability>.Instance),
            new StalledImports(importClient, importOptions, Time, NullLogger<StalledImports>.Instance), importOptions, Time, NullLogger<RecordImportWriter>.Instance);
        SetFields = new SetFieldsOperation(
            new FieldPlanner(bulkClient, Versions, inFlight, bulk, NullLogger<FieldPlanner>.Instance), writer, imports, Patcher, Recorder, permits, Time,
            NullLogger<SetFieldsOperation>.Instance);
        Engine = EngineWith(claims: null);
    }

    public const string ConnectionName = "default";

    public DeliveryOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public DeliveryTables Tables { get; }

    public FieldVersionStore Versions { get; }

    public RequestBudget Budget { get; }

    public FailureLedger Ledger { get; }

    public DeliveryCounters Counters { get; }

    /// <summary>The shared token store behind <see cref="Pause"/> (empty: not connected).</summary>
    public InMemoryTokenStore TokenStore { get; }

    /// <summary>The one connection state the engine reads.</summary>
    public ConnectionState Pause { get; }

    public Backoff Backoff { get; }

    public Mock<IOutreachProspectClient> Outreach { get; } = new(MockBehavior.Strict);

    public ListLogger<DeliveryEngine> Logger { get; } = new();

    public DeliveryEngine Engine { get; }

    /// <summary>The one operation: plans every batch, writes shared changes in bulk (when a bulk fake was given) and the rest one PATCH each.</summary>
    internal SetFieldsOperation SetFields { get; }

    /// <summary>The PATCH step.</summary>
    public FieldPatcher Patcher { get; }

    /// <summary>The telemetry the engine reports to.</summary>
    public DeliveryTelemetry Observer { get; }

    /// <summary>The record step.</summary>
    public DeliveryRecorder Recorder { get; }

    /// <summary>Every PATCH the engine sent, in order: prospect id and attributes as JSON text.</summary>
    public List<(long ProspectId, Dictionary<string, string> Attributes)> Sent { get; } = [];

    /// <summary>
    /// Makes Outreach answer every PATCH with <paramref name="outcome"/>, recording what was sent. The answer's
    /// rate-limit headers correct the budget, as the real client's HTTP pipeline does for every answer.
    /// </summary>
    public DeliveryHarness Answer(Func<long, OutreachCallOutcome> outcome)
    {
        Outreach
            .Setup(c => c.PatchProspectAsync(It.IsAny<long>(), It.IsAny<IReadOnlyList<KeyValuePair<string, global::Outreach.Connector.Updates.FieldValue>>>(), It.IsAny<CancellationToken>()))
            .Returns(async (long id, IReadOnlyList<KeyValuePair<string, global::Outreach.Connector.Updates.FieldValue>> attributes, CancellationToken cancellationToken) =>
            {
                lock (Sent)
                {
                    Sent.Add((id, TestUpdates.AsJson(attributes)));
                }

                var answer = outcome(id);
                await Budget.ObserveAsync(answer.RateLimit, cancellationToken);
                return answer;
            });
        return this;
    }

    public DeliveryHarness AnswerApplied() => Answer(_ => TestUpdates.Applied());

    /// <summary>An engine on this harness's parts, with the given claim store, email resolution step, and operations run before setting fields.</summary>
    internal DeliveryEngine EngineWith(ProspectClaimStore? claims, EmailResolutionStep? emails = null, params IDeliveryOperation[] before) =>
        new([.. before, SetFields], Recorder, Pause, Observer, Microsoft.Extensions.Options.Options.Create(Options), Time, claims, emails);

    public Task<DeliveryBatchResult> DeliverAsync(params DeliveryMessage[] messages) => Engine.DeliverAsync(messages, CancellationToken.None);

    public async Task<HourlyCounters> CountersOfThisHourAsync() => (await Counters.ReadLastHoursAsync(1, CancellationToken.None))[0];

    public async Task<List<FailureLedgerEntry>> LedgerAsync(FailureQuery? query = null)
    {
        var entries = new List<FailureLedgerEntry>();
        await foreach (var entry in Ledger.QueryAsync(query ?? new FailureQuery(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
