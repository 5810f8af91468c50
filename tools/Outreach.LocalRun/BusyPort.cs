using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Outreach.LocalRun;

/// <summary>Finds a port the run needs that something else holds, before anything starts, and names the flag that moves it.</summary>
public static class BusyPort
{
    /// <summary>The one-line message for a busy port.</summary>
    public static string Message(int port, string flag) =>
        string.Create(CultureInfo.InvariantCulture, $"Port {port} on 127.0.0.1 is already in use: stop what holds it or choose another port with {flag}.");

    /// <summary>The message for the first busy port, or null when both are free.</summary>
    public static string? Find(LocalRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !IsFree(options.ConnectorPort) ? Message(options.ConnectorPort, "--connector-port")
            : !IsFree(options.SandboxPort) ? Message(options.SandboxPort, "--sandbox-port")
            : null;
    }

    private static bool IsFree(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
