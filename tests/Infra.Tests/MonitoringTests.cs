namespace Infra.Tests;

public sealed class MonitoringTests
{
    [Fact]
    public void Application_Insights_disables_local_auth()
    {
        var appInsights = CompiledTemplate.Main.Single("Microsoft.Insights/components");
        Assert.Equal("true", appInsights.TextAt("properties.DisableLocalAuth"));
    }

    [Fact]
    public void Application_Insights_is_workspace_based()
    {
        var appInsights = CompiledTemplate.Main.Single("Microsoft.Insights/components");
        Assert.Contains("Microsoft.OperationalInsights/workspaces", appInsights.TextAt("properties.WorkspaceResourceId"), StringComparison.Ordinal);
    }

    [Fact]
    public void Log_Analytics_disables_local_auth()
    {
        var workspace = CompiledTemplate.Main.Single("Microsoft.OperationalInsights/workspaces");
        Assert.Equal("true", workspace.TextAt("properties.features.disableLocalAuth"));
    }
}
