using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Observability.Collector.Otlp.Grpc;

/// <summary>
/// gzip for gRPC messages that stops inflating at the size limit, so a small compressed "bomb" is refused with
/// RESOURCE_EXHAUSTED instead of being expanded in memory; a message that is not valid gzip is INVALID_ARGUMENT.
/// </summary>
internal sealed class LimitedGzipCompressionProvider(long maxDecompressedBytes) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) =>
        new LimitedReadStream(new GZipStream(stream, CompressionMode.Decompress), maxDecompressedBytes,
            () => new RpcException(new Status(StatusCode.ResourceExhausted, $"The decompressed message exceeds the limit of {maxDecompressedBytes} bytes (Collector:MaxRequestBytes).")),
            error => new RpcException(new Status(StatusCode.InvalidArgument, $"The message is not valid gzip: {error.Message}")));
}

/// <summary>
/// A read-only stream that throws once more than a set number of bytes has been read through it, and turns the
/// inner stream's invalid data into an exception of the caller's choosing.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit, Func<Exception> onExceeded, Func<InvalidDataException, Exception> onInvalidData) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Count(inner.Read(buffer));
        }
        catch (InvalidDataException error)
        {
            throw onInvalidData(error);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }
        catch (InvalidDataException error)
        {
            throw onInvalidData(error);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw onExceeded();
        }
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
