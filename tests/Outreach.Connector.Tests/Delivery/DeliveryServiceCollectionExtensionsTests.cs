using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Outreach.Connector.Delivery;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Outreach;
using Outreach.Connector.Tests.Infrastructure;
using Outreach.Connector.Tokens;
using Outreach.Testing;

namespace Outreach.Connector.Tests.Delivery;

[Collection(AzuriteCollection.Name)]
public sealed class DeliveryServiceCollectionExtensionsTests(AzuriteFixture azurite)
{
    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSingleton(Mock.Of<IOutreachProspectClient>());
        services.AddSingleton(Mock.Of<IOutreachProspectCreator>());
        services.AddSingleton(Mock.Of<IOutreachProspectReader>());
        services.AddSingleton(Mock.Of<IOutreachBulkClient>());
        services.AddSingleton(Mock.Of<IOutreachImportClient>());
        services.AddSingleton(Mock.Of<IOutreachSequenceClient>());
        services.AddSingleton(Mock.Of<IConnectionState>());
        services.AddDeliveryEngine(azurite.ConnectionString);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    [Fact]
    public async Task The_engine_and_its_stores_are_wired_from_the_Delivery_section()
    {
        await using var provider = Build(new()
        {
            ["Delivery:TablePrefix"] = AzuriteFixture.UniqueName("di"),
            ["Delivery:RequestsPerWindow"] = "500",
            ["Delivery:Window"] = "00:30:00",
            ["Delivery:PacingMode"] = "Burst",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotNull(provider.GetRequiredService<DeliveryEngine>());
        // In the order each batch runs them: a prospect is created before fields are set on existing ones.
        Assert.Collection(
            provider.GetServices<IDeliveryOperation>(),
            create => Assert.IsType<global::Outreach.Connector.Delivery.Operations.CreateProspects.CreateProspectsOperation>(create),
            setFields => Assert.IsType<global::Outreach.Connector.Delivery.Operations.SetFields.SetFieldsOperation>(setFields),
            enrol => Assert.IsType<global::Outreach.Connector.Delivery.Operations.SequenceEnrolment.SequenceEnrolmentOperation>(enrol));
        var options = provider.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        Assert.Equal((500, TimeSpan.FromMinutes(30), PacingMode.Burst), (options.RequestsPerWindow, options.Window, options.PacingMode));
        var grant = await provider.GetRequiredService<RequestBudget>().TryAcquireAsync(1000, CancellationToken.None);
        Assert.Equal(400, grant.Granted);
    }

    [Fact]
    public async Task Invalid_settings_stop_the_app_at_start()
    {
        await using var provider = Build(new() { ["Delivery:SafetyMargin"] = "20000" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("SafetyMargin", failure.Message, StringComparison.Ordinal);
    }
}
