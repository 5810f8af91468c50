namespace Infra.Tests;

public sealed class AlertTests
{
    private const string ActionGroupReference = "[resourceId('Microsoft.Insights/actionGroups', parameters('actionGroupName'))]";

    private static List<TemplateResource> LogAlerts =>
        CompiledTemplate.Main.OfType("Microsoft.Insights/scheduledQueryRules").ToList();

    private static TemplateResource LogAlertQuerying(string text)
    {
        var matches = LogAlerts.Where(alert => Query(alert).Contains(text, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"Expected one log alert whose query contains {text}, found {matches.Count}.");
        return matches[0];
    }

    private static string Query(TemplateResource alert) =>
        string.Join('\n', alert.At("properties.criteria.allOf")!.AsArray().Select(criterion => criterion!["query"]!.GetValue<string>()));

    [Fact]
    public void Action_group_emails_the_operator()
    {
        var actionGroup = CompiledTemplate.Main.Single("Microsoft.Insights/actionGroups");
        var receiver = actionGroup.At("properties.emailReceivers")!.AsArray().Single()!;
        Assert.Equal("[parameters('alertEmailAddress')]", receiver["emailAddress"]!.GetValue<string>());
        Assert.Equal("true", actionGroup.TextAt("properties.enabled"));
    }

    [Fact]
    public void Dead_lettered_updates_on_the_queue_raise_an_alert()
    {
        var alert = CompiledTemplate.Main.Single("Microsoft.Insights/metricAlerts");
        var criterion = alert.At("properties.criteria.allOf")!.AsArray().Single()!;

        Assert.Equal("DeadletteredMessages", criterion["metricName"]!.GetValue<string>());
        Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
        Assert.Equal(0, criterion["threshold"]!.GetValue<int>());
        var dimension = criterion["dimensions"]!.AsArray().Single()!;
        Assert.Equal("EntityName", dimension["name"]!.GetValue<string>());
        Assert.Equal("[parameters('queueName')]", dimension["values"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal("[parameters('serviceBusNamespaceId')]", alert.At("properties.scopes")!.AsArray().Single()!.GetValue<string>());
    }

    [Fact]
    public void Failed_deliveries_above_the_threshold_raise_an_alert()
    {
        var alert = LogAlertQuerying("\"outreach.updates.failed\"");
        Assert.Contains("customMetrics", Query(alert), StringComparison.Ordinal);
        Assert.Equal("[parameters('failedDeliveriesThreshold')]", alert.At("properties.criteria.allOf")![0]!["threshold"]!.GetValue<string>());
    }

    [Fact]
    public void A_connection_that_needs_reauthorization_raises_an_alert()
    {
        var alert = LogAlertQuerying("\"outreach.connection.needs_reauthorization\"");
        Assert.Contains("traces", Query(alert), StringComparison.Ordinal);
        Assert.Contains("customMetrics", Query(alert), StringComparison.Ordinal);
        Assert.Equal(0, alert.At("properties.criteria.allOf")![0]!["threshold"]!.GetValue<int>());
    }

    [Fact]
    public void Function_errors_raise_an_alert()
    {
        var alert = LogAlertQuerying("success == false");
        Assert.Contains("requests", Query(alert), StringComparison.Ordinal);
        Assert.Contains("exceptions", Query(alert), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_alerts_query_Application_Insights()
    {
        Assert.Equal(3, LogAlerts.Count);
        Assert.All(LogAlerts, alert =>
            Assert.Equal("[parameters('appInsightsId')]", alert.At("properties.scopes")!.AsArray().Single()!.GetValue<string>()));
        Assert.Equal("[reference('monitoring').outputs.appInsightsId.value]", CompiledTemplate.Main.Module("alerts").ParameterValuePassedIn("appInsightsId"));
    }

    [Fact]
    public void Every_alert_notifies_the_action_group()
    {
        var metricAlerts = CompiledTemplate.Main.OfType("Microsoft.Insights/metricAlerts").ToList();
        Assert.NotEmpty(metricAlerts);
        Assert.All(metricAlerts, alert =>
            Assert.Equal(ActionGroupReference, alert.At("properties.actions")!.AsArray().Single()!["actionGroupId"]!.GetValue<string>()));
        Assert.All(LogAlerts, alert =>
            Assert.Equal(ActionGroupReference, alert.At("properties.actions.actionGroups")!.AsArray().Single()!.GetValue<string>()));
    }
}
