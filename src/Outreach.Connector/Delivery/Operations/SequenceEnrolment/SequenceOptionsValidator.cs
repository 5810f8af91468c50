using Microsoft.Extensions.Options;

namespace Outreach.Connector.Delivery.Operations.SequenceEnrolment;

/// <summary>Checks <see cref="SequenceOptions"/> at start; each failure is one line naming the setting as typed in app settings.</summary>
public sealed class SequenceOptionsValidator : IValidateOptions<SequenceOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SequenceOptions options)
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

        Require(options.MaxEnrolmentsPerHour is >= 1 and <= 1_000_000, "Sequences__MaxEnrolmentsPerHour must be between 1 and 1000000 (enrolments per audience per hour).");
        Require(options.MaxEnrolmentDelay >= TimeSpan.Zero && options.MaxEnrolmentDelay <= TimeSpan.FromHours(1), "Sequences__MaxEnrolmentDelay must be between 00:00:00 and 01:00:00.");
        Require(options.SweepInterval >= TimeSpan.FromSeconds(1) && options.SweepInterval <= TimeSpan.FromHours(1), "Sequences__SweepInterval must be between 00:00:01 and 01:00:00.");
        Require(options.BatchPollInterval > TimeSpan.Zero, "Sequences__BatchPollInterval must be positive.");
        Require(options.MaxBatchWait >= options.BatchPollInterval, "Sequences__MaxBatchWait must be at least Sequences__BatchPollInterval.");
        Require(options.ReadinessCheckInterval >= TimeSpan.FromSeconds(1), "Sequences__ReadinessCheckInterval must be at least 00:00:01.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
