using System.Buffers;
using Fulcrum.Scripting.Wire.Tls;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Reads a client's ClientHello off the transport before SslStream sees it, so the certificate can be chosen by what
/// the client offers (SNI, and RSA or ECDSA by its signature algorithms and suites) and rules can look at it. The bytes
/// read are kept (pooled) and handed to the TLS library again through a <see cref="ReplayStream"/>.
/// </summary>
internal static class ClientHelloReader
{
    private const int InitialBuffer = 4096;

    /// <summary>The parse result, the hello when Ok, and the bytes read so far (the caller owns <paramref name="buffer"/> from the pool).</summary>
    public static async ValueTask<(ClientHelloParse Result, TlsClientHello? Hello, ClientHelloError Error, byte[] Buffer, int Length)> ReadAsync(Stream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        var length = 0;
        try
        {
            while (true)
            {
                var result = TlsClientHello.TryParse(buffer.AsSpan(0, length), out var hello, out var needed, out var error);
                if (result != ClientHelloParse.Incomplete)
                {
                    return (result, hello, error, buffer, length);
                }
                if (needed > buffer.Length)
                {
                    // needed is bounded: the parser refuses a hello over MaxMessageLength before asking for it.
                    var bigger = ArrayPool<byte>.Shared.Rent(needed);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await stream.ReadAsync(buffer.AsMemory(length)).ConfigureAwait(false);
                if (n == 0)
                {
                    return (ClientHelloParse.Incomplete, null, ClientHelloError.None, buffer, length);
                }
                length += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
