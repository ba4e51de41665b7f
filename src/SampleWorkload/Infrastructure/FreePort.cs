using System.Net;
using System.Net.Sockets;

namespace Observability.SampleWorkload.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for the servers and service instances the launcher starts.</summary>
internal static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): a port found free here cannot meanwhile become the source port
    // of some outgoing connection before the server binds it, as a port handed out by binding to port 0 can.
    private const int First = 10_000;
    private const int Last = 32_000;

    public static int Next()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use; try another.
            }
        }
        throw new InvalidOperationException($"No free port found on 127.0.0.1 between {First} and {Last}.");
    }
}
