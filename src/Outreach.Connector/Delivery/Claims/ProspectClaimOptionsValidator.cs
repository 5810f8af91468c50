using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Claims;

/// <summary>Checks <see cref="ProspectClaimOptions"/> at startup; each failure names the app setting as it is typed.</summary>
public sealed class ProspectClaimOptionsValidator : IValidateOptions<ProspectClaimOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ProspectClaimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.LeaseDuration < ProspectClaimOptions.MinLeaseDuration || options.LeaseDuration > ProspectClaimOptions.MaxLeaseDuration)
        {
            failures.Add($"Delivery__Claims__LeaseDuration must be between {ProspectClaimOptions.MinLeaseDuration:c} and {ProspectClaimOptions.MaxLeaseDuration:c}.");
        }

        if (options.ConflictDelay < TimeSpan.Zero || options.ConflictDelay > ProspectClaimOptions.MaxConflictDelay)
        {
            failures.Add($"Delivery__Claims__ConflictDelay must be between 00:00:00 and {ProspectClaimOptions.MaxConflictDelay:c}.");
        }

        if (options.Shards is < 1 or > ProspectClaimOptions.MaxShards)
        {
            failures.Add($"Delivery__Claims__Shards must be between 1 and {ProspectClaimOptions.MaxShards}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
