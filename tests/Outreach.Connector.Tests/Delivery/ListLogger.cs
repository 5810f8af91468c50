using Microsoft.Extensions.Logging;

namespace Outreach.Connector.Tests.Delivery;

/// <summary>A logger that keeps every formatted message, for asserting what an operator would read.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> _entries;

    public ListLogger()
        : this([])
    {
    }

    private ListLogger(List<(LogLevel Level, string Message)> entries) => _entries = entries;

    /// <summary>A logger for another category that writes to the same entries (delivery's steps log under their own categories).</summary>
    public ListLogger<TOther> As<TOther>() => new(_entries);

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToList();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
