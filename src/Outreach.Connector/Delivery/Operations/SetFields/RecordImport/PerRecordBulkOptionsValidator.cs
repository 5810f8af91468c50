using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Operations.SetFields.RecordImport;

/// <summary>Checks <see cref="PerRecordBulkOptions"/> at startup; each failure names the setting as typed in app settings.</summary>
public sealed class PerRecordBulkOptionsValidator : IValidateOptions<PerRecordBulkOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PerRecordBulkOptions options)
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

        Require(options.Mode is not null, $"Delivery__PerRecordBulk must be auto, on or off (it is '{options.PerRecordBulk}').");
        Require(options.Scopes.Count > 0, "Delivery__PerRecordBulkScope must name at least one scope, e.g. \"imports.read imports.write\".");
        Require(options.PerRecordBulkGroupSize is >= 1 and <= 1000, "Delivery__PerRecordBulkGroupSize must be between 1 and 1000.");
        Require(options.PerRecordBulkMinGroupSize >= 1 && options.PerRecordBulkMinGroupSize <= options.PerRecordBulkGroupSize,
            "Delivery__PerRecordBulkMinGroupSize must be between 1 and Delivery__PerRecordBulkGroupSize.");
        Require(options.PerRecordBulkTrialSize is >= 1 and <= 1000, "Delivery__PerRecordBulkTrialSize must be between 1 and 1000.");
        Require(options.PerRecordBulkMaxUnconfirmed is >= 1 and <= 100, "Delivery__PerRecordBulkMaxUnconfirmed must be between 1 and 100.");
        Require(options.ImportFirstPoll > TimeSpan.Zero, "Delivery__ImportFirstPoll must be positive.");
        Require(options.ImportPollInterval > TimeSpan.Zero, "Delivery__ImportPollInterval must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
