using System.IO.Compression;

namespace Observability.Collector.Tests.Infrastructure;

/// <summary>gzip of 1 GiB of zeros: about 1 MiB on the wire, well under the default 4 MiB limit until inflated.</summary>
internal static class GzipBomb
{
    private static readonly Lazy<byte[]> Bomb = new(() =>
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 1024; i++)
            {
                gzip.Write(zeros);
            }
        }
        return compressed.ToArray();
    });

    public static byte[] OneGibibyteOfZeros => Bomb.Value;
}
