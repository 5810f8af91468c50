using Microsoft.Extensions.Options;
using Outreach.Connector.Delivery.Budget;
using Outreach.Connector.Delivery.Counters;

namespace Outreach.Connector.Delivery;

/// <summary>Checks <see cref="DeliveryOptions"/> at startup, so a bad setting stops the app instead of a drainer.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    // Azure table names are 3..63 letters or digits; the longest suffix below is "DeliveryCounters" (16).
    private const int MaxTablePrefixLength = 63 - 16;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
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

        Require(IsKeySafe(options.ConnectionName), "Delivery:ConnectionName must be 1..100 characters without '/', '\\', '#', '?' or control characters.");
        Require(!string.IsNullOrWhiteSpace(options.QueueName), "Delivery:QueueName is required.");
        Require(options.BatchSize is >= 1 and <= 1000, "Delivery:BatchSize must be between 1 and 1000.");
        Require(options.MaxAttempts >= 1, "Delivery:MaxAttempts must be at least 1.");
        Require(options.RequestsPerWindow >= 1, "Delivery:RequestsPerWindow must be at least 1.");
        Require(options.Window >= TimeSpan.FromSeconds(1), "Delivery:Window must be at least one second.");
        Require(options.SafetyMargin >= 0 && options.SafetyMargin < options.RequestsPerWindow,
            "Delivery:SafetyMargin must be at least 0 and less than RequestsPerWindow.");
        Require(Enum.IsDefined(options.PacingMode), "Delivery:PacingMode must be Spread or Burst.");
        Require(options.BurstPermits >= 1 && options.BurstPermits <= options.RequestsPerWindow - options.SafetyMargin,
            "Delivery:BurstPermits must be between 1 and RequestsPerWindow - SafetyMargin.");
        Require(options.MaxPermitsPerLease >= 1, "Delivery:MaxPermitsPerLease must be at least 1.");
        Require(options.MaxWaitForPermit >= TimeSpan.Zero, "Delivery:MaxWaitForPermit must not be negative.");
        Require(options.MaxBatchDuration > TimeSpan.Zero, "Delivery:MaxBatchDuration must be positive.");
        Require(options.RateLimitPadding >= TimeSpan.Zero, "Delivery:RateLimitPadding must not be negative.");
        Require(options.BackoffBase > TimeSpan.Zero, "Delivery:BackoffBase must be positive.");
        Require(options.BackoffMax >= options.BackoffBase, "Delivery:BackoffMax must be at least BackoffBase.");
        Require(options.UnauthorizedHold > TimeSpan.Zero, "Delivery:UnauthorizedHold must be positive.");
        Require(options.MaxEventTimeSkew >= TimeSpan.Zero && options.MaxEventTimeSkew <= TimeSpan.FromDays(1),
            "Delivery:MaxEventTimeSkew must be between 00:00:00 and 1.00:00:00.");
        Require(IsTablePrefix(options.TablePrefix),
            $"Delivery:TablePrefix must start with a letter, hold only letters and digits, and be at most {MaxTablePrefixLength} long.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsTablePrefix(string? prefix) =>
        !string.IsNullOrEmpty(prefix)
        && prefix.Length <= MaxTablePrefixLength
        && char.IsAsciiLetter(prefix[0])
        && prefix.All(char.IsAsciiLetterOrDigit);

    private static bool IsKeySafe(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 100 && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
