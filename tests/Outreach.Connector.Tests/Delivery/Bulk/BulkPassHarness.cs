using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Bulk;
using Outreach.Connector.Delivery.Coalescing;
using Outreach.Connector.Delivery.Versions;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery.Bulk;

/// <summary>A bulk pass on real stores in Azurite (fresh tables), the real clock with short poll intervals, and a fake Outreach.</summary>
internal sealed class BulkPassHarness
{
    public BulkPassHarness(AzuriteFixture azurite, Action<BulkWriteOptions>? configure = null, IBulkOutreachClient? outreach = null)
    {
        Delivery = new DeliveryOptions
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
        var delivery = Microsoft.Extensions.Options.Options.Create(Delivery);
        var tables = new DeliveryTables(new TableServiceClient(azurite.ConnectionString), delivery);
        Versions = new FieldVersionStore(tables);
        Budget = new RequestBudget(tables, delivery, TimeProvider.System, NullLogger<RequestBudget>.Instance);
        Availability = new BulkWriteAvailability(Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<BulkWriteAvailability>.Instance);
        var bulkOptions = Microsoft.Extensions.Options.Options.Create(Options);
        var writer = new SharedChangeWriter(
            outreach ?? Outreach, Versions, InFlight, new BulkCallCost(), Availability, bulkOptions, TimeProvider.System, NullLogger<SharedChangeWriter>.Instance);
        Pass = new BulkPass(
            outreach ?? Outreach, Versions, new PermitTaker(Budget, delivery, TimeProvider.System), writer, bulkOptions, delivery, TimeProvider.System,
            NullLogger<BulkPass>.Instance);
    }

    public DeliveryOptions Delivery { get; }

    public BulkWriteOptions Options { get; }

    public FieldVersionStore Versions { get; }

    public RequestBudget Budget { get; }

    public FakeBulkOutreach Outreach { get; } = new();

    public InFlightBulkWrites InFlight { get; } = new();

    public BulkWriteAvailability Availability { get; }

    public BulkPass Pass { get; }

    public Task<BulkPassResult> RunAsync(params DeliveryMessage[] messages) =>
        Pass.RunAsync(Coalescer.Coalesce(messages, FieldVersion.DefaultMaxEventTimeSkew), DateTimeOffset.UtcNow, CancellationToken.None);

    /// <summary>The fields of the prospect whose version is recorded, as field → value hash.</summary>
    public async Task<Dictionary<string, string>> RecordedAsync(long prospectId) =>
        (await Versions.ReadAsync(prospectId, CancellationToken.None)).Fields.ToDictionary(f => f.Key, f => f.Value.ValueHash);
}
