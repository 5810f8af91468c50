using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Counters;
using Outreach.Connector.Delivery.Ledger;

namespace Outreach.Connector.Delivery;

/// <summary>The Azure tables that hold delivery state, created on first use.</summary>
/// <remarks>
/// One long-lived <see cref="TableServiceClient"/> serves all of them (Azure SDK guidance: clients are singletons).
/// The app chooses how that client authenticates: a connection string for Azurite, or an endpoint and a
/// <c>TokenCredential</c> in Azure.
/// </remarks>
public sealed class DeliveryTables
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    /// <summary>Creates the set for the given service client and options.</summary>
    public DeliveryTables(TableServiceClient service, IOptions<DeliveryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        FieldVersions = service.GetTableClient(prefix + "FieldVersions");
        RequestBudget = service.GetTableClient(prefix + "RequestBudget");
        FailureLedger = service.GetTableClient(prefix + "FailureLedger");
        DeliveryCounters = service.GetTableClient(prefix + "DeliveryCounters");
        ProspectClaims = service.GetTableClient(prefix + "ProspectClaims");
        ProspectCreations = service.GetTableClient(prefix + "ProspectCreations");
        SequenceEnrolments = service.GetTableClient(prefix + "SequenceEnrolments");
    }

    /// <summary>Applied field versions, one entity per prospect.</summary>
    public TableClient FieldVersions { get; }

    /// <summary>The shared request budget, one entity per connection.</summary>
    public TableClient RequestBudget { get; }

    /// <summary>Updates Outreach rejected for good, and poisoned messages.</summary>
    public TableClient FailureLedger { get; }

    /// <summary>Hourly counters.</summary>
    public TableClient DeliveryCounters { get; }

    /// <summary>Which drainer may write to which prospect right now (see <see cref="Claims.ProspectClaimStore"/>).</summary>
    public TableClient ProspectClaims { get; }

    /// <summary>One row per email a create was started for: who is creating it, and what came of it (<c>Operations/CreateProspects/NewProspectClaims</c>).</summary>
    public TableClient ProspectCreations { get; }

    /// <summary>What enrolment did per (prospect, sequence), the entries waiting and the batches not read yet (<c>Operations/SequenceEnrolment/EnrolmentStore</c>).</summary>
    public TableClient SequenceEnrolments { get; }

    /// <summary>Returns the table after making sure it exists (one create call per table and process, retried after a failure).</summary>
    public async Task<TableClient> ReadyAsync(TableClient table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var creation = _created.GetOrAdd(table.Name, _ => new Lazy<Task>(() => table.CreateIfNotExistsAsync(CancellationToken.None)));
        try
        {
            await creation.Value.WaitAsync(cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            // Forget the failed attempt so the next call tries again instead of failing forever.
            _created.TryRemove(KeyValuePair.Create(table.Name, creation));
            throw;
        }

        return table;
    }
}
