using System.Text.RegularExpressions;

namespace Infra.Tests;

public sealed partial class RoleAssignmentTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private const string AppPrincipal = "[parameters('principalId')]";

    // Each expected role and the only resource type it may be granted on.
    private static readonly Dictionary<string, string> ExpectedScopeByRole = new(StringComparer.OrdinalIgnoreCase)
    {
        [StorageBlobDataOwner] = "Microsoft.Storage/storageAccounts",
        [StorageQueueDataContributor] = "Microsoft.Storage/storageAccounts",
        [StorageTableDataContributor] = "Microsoft.Storage/storageAccounts",
        [ServiceBusDataSender] = "Microsoft.ServiceBus/namespaces/queues",
        [ServiceBusDataReceiver] = "Microsoft.ServiceBus/namespaces/queues",
        [KeyVaultSecretsOfficer] = "Microsoft.KeyVault/vaults",
        [MonitoringMetricsPublisher] = "Microsoft.Insights/components",
    };

    private static List<TemplateResource> Assignments =>
        CompiledTemplate.Main.OfType("Microsoft.Authorization/roleAssignments").ToList();

    private static string RoleId(TemplateResource assignment)
    {
        var expression = assignment.Template.ExpandVariables(assignment.TextAt("properties.roleDefinitionId") ?? "");
        var match = Guid().Match(expression);
        Assert.True(match.Success, $"No role definition id in {expression} ({assignment}).");
        return match.Value;
    }

    private static string ScopeType(TemplateResource assignment)
    {
        var scope = assignment.TextAt("scope");
        Assert.False(string.IsNullOrEmpty(scope), $"{assignment} has no scope: it would apply to the whole resource group.");
        var match = ResourceIdScope().Match(scope!);
        Assert.True(match.Success, $"{assignment} is scoped to {scope}, not to a specific resource.");
        return match.Groups["type"].Value;
    }

    [Fact]
    public void Every_role_assignment_is_scoped_to_a_specific_resource()
    {
        Assert.NotEmpty(Assignments);
        Assert.All(Assignments, assignment =>
        {
            var scope = assignment.TextAt("scope") ?? "";
            Assert.DoesNotContain("resourceGroup()", scope, StringComparison.Ordinal);
            Assert.DoesNotContain("subscription()", scope, StringComparison.Ordinal);
            ScopeType(assignment);
        });
    }

    [Fact]
    public void Every_role_assignment_grants_an_expected_least_privilege_role_on_its_resource()
    {
        Assert.All(Assignments, assignment =>
        {
            var role = RoleId(assignment);
            Assert.True(ExpectedScopeByRole.TryGetValue(role, out var expectedScope), $"{assignment} grants unexpected role {role}.");
            Assert.Equal(expectedScope, ScopeType(assignment));
        });
    }

    [Fact]
    public void App_identity_gets_each_role_it_needs_exactly_once()
    {
        var granted = Assignments
            .Where(assignment => assignment.TextAt("properties.principalId") == AppPrincipal)
            .Select(RoleId)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();

        Assert.Equal(ExpectedScopeByRole.Keys.Order(StringComparer.OrdinalIgnoreCase), granted);
    }

    [Fact]
    public void Service_Bus_roles_are_granted_on_the_queue_not_the_namespace()
    {
        var serviceBusAssignments = Assignments.Where(assignment => RoleId(assignment) is ServiceBusDataSender or ServiceBusDataReceiver).ToList();
        Assert.Equal(2, serviceBusAssignments.Count);
        Assert.All(serviceBusAssignments, assignment => Assert.Equal("Microsoft.ServiceBus/namespaces/queues", ScopeType(assignment)));
    }

    [Fact]
    public void App_identity_assignments_name_a_service_principal()
    {
        Assert.All(
            Assignments.Where(assignment => assignment.TextAt("properties.principalId") == AppPrincipal),
            assignment => Assert.Equal("ServicePrincipal", assignment.TextAt("properties.principalType")));
    }

    [Fact]
    public void Role_assignment_names_are_deterministic_from_scope_principal_and_role()
    {
        Assert.All(Assignments, assignment =>
        {
            var name = assignment.Template.ExpandVariables(assignment.Name);
            var principal = assignment.TextAt("properties.principalId")!.Trim('[', ']');
            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            Assert.Contains(assignment.TextAt("scope")!.Trim('[', ']'), name, StringComparison.Ordinal);
            Assert.Contains(principal, name, StringComparison.Ordinal);
            Assert.Contains(RoleId(assignment), name, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void Only_the_operator_assignment_is_optional_and_it_only_manages_vault_secrets()
    {
        var conditional = Assignments.Where(assignment => assignment.Body["condition"] is not null).ToList();
        var operatorAssignment = Assert.Single(conditional);
        Assert.Equal("[parameters('operatorPrincipalId')]", operatorAssignment.TextAt("properties.principalId"));
        Assert.Equal(KeyVaultSecretsOfficer, RoleId(operatorAssignment));
        Assert.Equal("Microsoft.KeyVault/vaults", ScopeType(operatorAssignment));
    }

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();

    [GeneratedRegex(@"^\[(resourceId|extensionResourceId)\('(?<type>[A-Za-z]+\.[A-Za-z]+/[A-Za-z/]+)',")]
    private static partial Regex ResourceIdScope();
}
