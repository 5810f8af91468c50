using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Infrastructure;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSmokeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Azurite_serves_tables_queues_and_blobs_on_loopback()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueName("smoke"));
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["n"] = 1 });
        var entity = await table.GetEntityAsync<TableEntity>("p", "r");
        Assert.Equal(1, entity.Value.GetInt32("n"));

        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.UniqueName("smoke"));
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("hello");
        Assert.Equal("hello", (await queue.ReceiveMessageAsync()).Value.MessageText);

        var container = new BlobContainerClient(azurite.ConnectionString, AzuriteFixture.UniqueName("smoke"));
        await container.CreateIfNotExistsAsync();
        Assert.True(await container.ExistsAsync());
    }
}
