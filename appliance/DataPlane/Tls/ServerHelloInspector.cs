namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Tells from the server's first flight whether a handshake resumed a session. SslStream has no public "resumed"
/// property, but the flight is plaintext up to ServerHello: in TLS 1.3 a resumption is a ServerHello carrying the
/// pre_shared_key extension (41); in TLS 1.2 an abbreviated handshake sends ServerHello and then ChangeCipherSpec
/// straight away, where a full one sends its Certificate (or key exchange) first. Reads a span; throws nothing.
/// </summary>
public static class ServerHelloInspector
{
    private const byte Handshake = 22;
    private const byte ChangeCipherSpec = 20;

    public static bool IsResumption(ReadOnlySpan<byte> flight)
    {
        if (flight.Length < 5 + 4 || flight[0] != Handshake)
        {
            return false;
        }
        var recordLength = (flight[3] << 8) | flight[4];
        var record = flight.Slice(5, Math.Min(recordLength, flight.Length - 5));
        if (record.Length < 4 || record[0] != 2) // ServerHello
        {
            return false;
        }
        var helloLength = (record[1] << 16) | (record[2] << 8) | record[3];
        if (record.Length < 4 + helloLength)
        {
            return false;
        }
        var hello = record.Slice(4, helloLength);
        var p = 2 + 32; // legacy_version, random
        if (hello.Length < p + 1)
        {
            return false;
        }
        p += 1 + hello[p]; // session id
        p += 2 + 1; // cipher suite, compression
        var tls13 = false;
        var psk = false;
        if (hello.Length >= p + 2)
        {
            var end = Math.Min(hello.Length, p + 2 + ((hello[p] << 8) | hello[p + 1]));
            p += 2;
            while (p + 4 <= end)
            {
                var type = (hello[p] << 8) | hello[p + 1];
                var length = (hello[p + 2] << 8) | hello[p + 3];
                if (type == 43 && length == 2 && p + 6 <= end && hello[p + 4] == 3 && hello[p + 5] == 4)
                {
                    tls13 = true;
                }
                psk |= type == 41;
                p += 4 + length;
            }
        }
        if (tls13)
        {
            return psk;
        }
        // TLS 1.2: only ServerHello in the handshake record, and the next record is ChangeCipherSpec.
        var next = 5 + recordLength;
        return record.Length == 4 + helloLength && flight.Length > next && flight[next] == ChangeCipherSpec;
    }
}
