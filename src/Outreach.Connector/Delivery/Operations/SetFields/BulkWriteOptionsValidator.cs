using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Operations.SetFields;

/// <summary>Checks <see cref="BulkWriteOptions"/> at startup; each failure names the setting as typed in app settings.</summary>
public sealed class BulkWriteOptionsValidator : IValidateOptions<BulkWriteOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BulkWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Require(bool condition, string failure)
        {
            if (!condition)
            {
                failures.Add(failure);
            }
        }

        Require(Enum.IsDefined(options.BulkWrites), "Delivery__BulkWrites must be auto, on or off.");
        Require(options.MinProspectsPerBulkCall is >= 2 and <= 1000, "Delivery__MinProspectsPerBulkCall must be between 2 and 1000.");
        Require(options.BulkPollInterval > TimeSpan.Zero, "Delivery__BulkPollInterval must be positive.");
        Require(options.MaxBulkWait >= options.BulkPollInterval, "Delivery__MaxBulkWait must be at least Delivery__BulkPollInterval.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
