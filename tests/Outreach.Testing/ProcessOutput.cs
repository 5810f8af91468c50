using System.Diagnostics;
using System.Text;

namespace Outreach.Testing;

/// <summary>
/// What a child process started for a test (Azurite, the connector, the local run) prints on standard output and
/// standard error, line by line, kept for failure messages.
/// </summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _text = new();

    /// <summary>
    /// Starts reading both redirected streams of <paramref name="process"/> into this output; <paramref name="onLine"/>,
    /// when given, sees each line after it is kept (from the stream readers' threads).
    /// </summary>
    public void Follow(Process process, Action<string>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        void Record(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (_text)
            {
                _text.AppendLine(line);
            }

            onLine?.Invoke(line);
        }

        process.OutputDataReceived += Record;
        process.ErrorDataReceived += Record;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything printed so far.</summary>
    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
