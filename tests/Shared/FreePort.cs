using System.Net;
using System.Net.Sockets;

namespace Observability.Tests.Shared;

/// <summary>Free TCP ports on 127.0.0.1, so test hosts can run side by side.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
