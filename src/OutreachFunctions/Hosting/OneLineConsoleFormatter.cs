using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Outreach.Connector.Monitoring;

namespace OutreachFunctions.Hosting;

/// <summary>Options of <see cref="OneLineConsoleFormatter"/> (<c>Logging:Console:FormatterOptions</c>).</summary>
public sealed class OneLineConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>
    /// Writes an exception's stack trace (still on the entry's one line). Off by default; on when
    /// <c>Logging__LogLevel__Default</c> is Debug or Trace.
    /// </summary>
    public bool StackTraces { get; set; }
}

/// <summary>
/// Writes each log entry as exactly one line, <c>warn: Category[EventId] message | ExceptionType: message</c>, the
/// format the Functions host needs: it turns every line the handler prints into a log entry of its own, so an entry on
/// two lines (the simple formatter's level and category, then the message) loses its level and category, and every
/// line of a stack trace becomes an entry (docs/functions.md, "The handler's log").
/// </summary>
/// <remarks>
/// Line breaks inside a message become spaces. An exception is its type and the first line of its message (and of its
/// inner exception's); its stack trace only with <see cref="OneLineConsoleFormatterOptions.StackTraces"/>, on the same
/// line with <c> | </c> between frames.
/// </remarks>
public sealed class OneLineConsoleFormatter(IOptionsMonitor<OneLineConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    /// <summary>The formatter's name (<c>Logging:Console:FormatterName</c>).</summary>
    public new const string Name = "oneline";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var current = options.CurrentValue;
        var line = new System.Text.StringBuilder(128);
        if (current.TimestampFormat is { } format)
        {
            var now = current.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            line.Append(now.ToString(format, System.Globalization.CultureInfo.InvariantCulture));
        }

        line.Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category)
            .Append('[').Append(logEntry.EventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
        if (current.IncludeScopes && scopeProvider is not null)
        {
            scopeProvider.ForEachScope((scope, builder) => builder.Append(" => ").Append(Flatten(scope?.ToString())), line);
        }

        if (!string.IsNullOrEmpty(message))
        {
            line.Append(' ').Append(Flatten(message));
        }

        if (logEntry.Exception is { } exception)
        {
            line.Append(" | ").Append(Describe(exception));
            if (current.StackTraces && exception.StackTrace is { } stack)
            {
                line.Append(" | ").Append(string.Join(" | ", stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }
        }

        textWriter.Write(line.Append(Environment.NewLine).ToString());
    }

    /// <summary>An exception in one line: its type and message, then its inner exception's.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var first = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception;
        var text = first.GetType().FullName + ": " + DependencyRead.OneLine(first.Message);
        return first.InnerException is { } inner && exception is not AggregateException
            ? text + " ---> " + inner.GetType().FullName + ": " + DependencyRead.OneLine(inner.Message)
            : text;
    }

    private static string Flatten(string? text) =>
        text is null ? "" : text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString().ToLowerInvariant(),
    };
}
