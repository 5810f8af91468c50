using Azure;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Recognises storage that could not be reached at all (no answer: wrong account name, DNS, network, firewall), as
/// opposed to storage that answered with an error. The Azure SDK reports the first as a <see cref="RequestFailedException"/>
/// with status 0, or, once its retries are spent, an <see cref="AggregateException"/> of them; a read cut off by its
/// budget (<see cref="DependencyRead"/>) is a <see cref="TimeoutException"/>.
/// </summary>
public static class StorageFailure
{
    /// <summary>The health reason code for unreachable storage.</summary>
    public const string UnreachableCode = "storage_unreachable";

    /// <summary>True when <paramref name="exception"/> says the storage gave no answer.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status == 0,
        HttpRequestException => true,
        // A read that ran out of its budget (DependencyRead): for a status page or a probe, as good as no answer.
        TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };

    /// <summary>A short description without the SDK's multi-line message: the exception type of the first failure.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var first = exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 0 ? aggregate.InnerExceptions[0] : exception;
        return first switch
        {
            TimeoutException => first.Message,
            _ when first.InnerException is { } cause => $"{first.GetType().Name}: {cause.GetType().Name}",
            _ => first.GetType().Name,
        };
    }
}
