using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Outreach.Testing;

/// <summary>
/// A logger provider that records every log entry (formatted message, structured values and exception text), so tests
/// can assert what was logged and, above all, what never was (tokens, secrets, attribute values).
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Everything logged so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>All logged text (messages, structured values, exceptions) as one string, for "never contains" assertions.</summary>
    public string AllText => string.Join('\n', _entries.Select(e => e.FullText));

    /// <summary>A typed logger that writes into this capture.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(Factory());

    /// <summary>A logger factory whose loggers write into this capture.</summary>
    public ILoggerFactory Factory()
    {
        var factory = new LoggerFactory();
        factory.AddProvider(this);
        return factory;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this);

    /// <summary>Records an entry that came from elsewhere (e.g. Azure SDK event source logs).</summary>
    public void Add(LogEntry entry) => _entries.Enqueue(entry);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            capture.Add(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), values, exception?.ToString()));
        }
    }
}

/// <summary>One captured log entry.</summary>
/// <param name="Category">The logger category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Values">The structured values, <c>name=value; …</c>.</param>
/// <param name="Exception">The exception text, when one was logged.</param>
public sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, string Values, string? Exception)
{
    /// <summary>Message, values and exception together.</summary>
    public string FullText => $"{Category} [{Level}] {Message} | {Values} | {Exception}";
}
