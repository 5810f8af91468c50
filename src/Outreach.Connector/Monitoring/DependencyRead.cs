using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Azure;
using Azure.Identity;

namespace Outreach.Connector.Monitoring;

/// <summary>
/// Reads a person or a probe waits for (status page, status document, health, the Connect link) from a dependency
/// (Table or Blob storage, Key Vault, Outreach), within a time budget, and the one test of "the dependency is down or
/// slow" with its one-line description.
/// </summary>
/// <remarks>
/// The Azure SDK retries a refused or failed call three times with exponential back-off (about 5 to 7 s in all) before
/// it throws an <see cref="AggregateException"/>; right for delivery, too long for a page. A budget cancels the read
/// and reports a <see cref="TimeoutException"/> naming the source; the client's own retries stay as they are for every
/// other caller.
/// </remarks>
public static partial class DependencyRead
{
    /// <summary>
    /// The budget of one section of the status document, the status page's data and health (each read once, in
    /// parallel where the sections are independent): a page that waits longer than this for one source shows that
    /// source as failed instead.
    /// </summary>
    public static readonly TimeSpan SectionBudget = TimeSpan.FromSeconds(2);

    /// <summary>The budget of an interactive write (Connect storing its single-use state).</summary>
    public static readonly TimeSpan InteractiveBudget = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="read"/> with a token that is cancelled after <paramref name="budget"/>; the budget running out
    /// is a <see cref="TimeoutException"/> naming <paramref name="source"/>, the caller's own cancellation stays an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <remarks>
    /// The budget is wall-clock time on purpose, not the app's <see cref="TimeProvider"/>: it bounds how long a person
    /// waits for a real network call, which a test's fake clock does not move.
    /// </remarks>
    public static async Task<T> WithinAsync<T>(string source, TimeSpan budget, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var timeout = new CancellationTokenSource(budget);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await read(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{source} did not answer within {budget.TotalSeconds:0.#} s."), ex);
        }
    }

    /// <summary>
    /// Reads one section of a report (status document, status page) within <see cref="SectionBudget"/>: the value, or
    /// null and the one line that says which source failed, so the rest of the report still shows.
    /// </summary>
    public static async Task<(T? Value, string? Error)> SectionAsync<T>(
        string source, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return (await WithinAsync(source, SectionBudget, read, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            return (null, ex is TimeoutException ? ex.Message : $"{source} could not be read ({Describe(ex)}).");
        }
    }

    /// <summary>
    /// True when <paramref name="exception"/> says a dependency is unreachable, slow, or answered with an error (storage,
    /// Key Vault, the identity endpoint, an HTTP service); anything else is a bug.
    /// </summary>
    public static bool IsFailure(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsFailure),
        RequestFailedException or AuthenticationFailedException or HttpRequestException or IOException or SocketException or TimeoutException => true,
        UnauthorizedAccessException => true,
        _ => exception.GetType().FullName == "Azure.Messaging.ServiceBus.ServiceBusException",
    };

    /// <summary>
    /// One line for a log or an answer: the type and the first line of the message of the first failure, without stack
    /// frames, response bodies or headers (the SDK's messages carry all three on later lines).
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var first = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return first.GetType().Name + ": " + OneLine(first.Message);
    }

    /// <summary>
    /// A message as one short line: its first line, cut where a stack trace starts ("   at Namespace.Type.Method(")
    /// and at 300 characters.
    /// </summary>
    public static string OneLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var line = message.Split('\n', 2)[0].TrimEnd('\r');
        var frame = StackFrame().Match(line);
        if (frame.Success)
        {
            line = line[..frame.Index];
        }

        line = Whitespace().Replace(line, " ").Trim();
        return line.Length <= 300 ? line : line[..299] + "…";
    }

    [GeneratedRegex(@"\s+at [\w.`<>\[\]]+\(", RegexOptions.CultureInvariant)]
    private static partial Regex StackFrame();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
