using System.Net;
using System.Net.Sockets;

namespace Outreach.Testing;

/// <summary>Free TCP ports on the loopback interface, for servers that need a port number before they start.</summary>
public static class LoopbackPort
{
    /// <summary>Returns a port that was free a moment ago on 127.0.0.1.</summary>
    public static int GetFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until something accepts TCP connections on the port; throws after the timeout, or at once when the
    /// server process is no longer alive.
    /// </summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<bool> serverAlive, Func<string>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(serverAlive);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && serverAlive())
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} (within {timeout}, server alive: {serverAlive()}). {diagnostics?.Invoke()}", ex);
            }
        }
    }
}
