using System.Text;
using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

public sealed class Http2RequestHeadersTests
{
    private static readonly string[] Valid = [":method: GET", ":scheme: http", ":authority: example.com", ":path: /a?b=1"];

    private static Http2RequestError Check(params string[] fields)
    {
        using var headers = new Http2RequestHeaders();
        foreach (var field in fields)
        {
            var colon = field.IndexOf(": ", 1, StringComparison.Ordinal);
            headers.OnHeader(Encoding.Latin1.GetBytes(field[..colon]), Encoding.Latin1.GetBytes(field[(colon + 2)..]));
        }
        return headers.Complete();
    }

    // Request validation of RFC 9113 §8.1.1, §8.2 and §8.3, with h2spec's case numbers where it has one.
    public static TheoryData<string[], Http2RequestError> Malformed => new()
    {
        { [.. Valid, "X-Upper: 1"], Http2RequestError.UppercaseName },                                 // 8.1.2/1
        { [.. Valid, "bad name: 1"], Http2RequestError.InvalidNameCharacter },
        { [.. Valid, "na:me: 1"], Http2RequestError.InvalidNameCharacter },
        { [.. Valid, "x-a: b\r\nx-smuggled: 1"], Http2RequestError.InvalidValueCharacter },
        { [.. Valid, "x-a: b\nc"], Http2RequestError.InvalidValueCharacter },
        { [.. Valid, "x-a: b\0"], Http2RequestError.InvalidValueCharacter },
        { [.. Valid, "x-a:  leading"], Http2RequestError.InvalidValueCharacter },
        { [.. Valid, "connection: keep-alive"], Http2RequestError.ConnectionSpecificHeader },           // 8.1.2.2/1
        { [.. Valid, "transfer-encoding: chunked"], Http2RequestError.ConnectionSpecificHeader },
        { [.. Valid, "keep-alive: 5"], Http2RequestError.ConnectionSpecificHeader },
        { [.. Valid, "proxy-connection: close"], Http2RequestError.ConnectionSpecificHeader },
        { [.. Valid, "upgrade: h2c"], Http2RequestError.ConnectionSpecificHeader },
        { [.. Valid, "te: gzip"], Http2RequestError.TeNotTrailers },                                  // 8.1.2.2/2
        { [":method: GET", "x-a: 1", ":scheme: http", ":path: /"], Http2RequestError.PseudoHeaderAfterField }, // 8.1.2.1/3
        { [.. Valid, ":status: 200"], Http2RequestError.UnknownPseudoHeader },
        { [":status: 200", ":method: GET", ":scheme: http", ":path: /"], Http2RequestError.UnknownPseudoHeader }, // 8.1.2.1/2
        { [":unknown: x", ":method: GET", ":scheme: http", ":path: /"], Http2RequestError.UnknownPseudoHeader },  // 8.1.2.1/1
        { [":protocol: websocket", ":method: CONNECT", ":scheme: http", ":path: /"], Http2RequestError.UnknownPseudoHeader },
        { [":method: GET", ":method: POST", ":scheme: http", ":path: /"], Http2RequestError.DuplicatePseudoHeader }, // 8.1.2.3/5
        { [":method: GET", ":scheme: http", ":path: /", ":path: /b"], Http2RequestError.DuplicatePseudoHeader },     // 8.1.2.3/7
        { [":scheme: http", ":path: /"], Http2RequestError.MissingPseudoHeader },                                     // 8.1.2.3/2
        { [":method: GET", ":path: /"], Http2RequestError.MissingPseudoHeader },                                      // 8.1.2.3/3
        { [":method: GET", ":scheme: http"], Http2RequestError.MissingPseudoHeader },                                 // 8.1.2.3/4
        { [":method: CONNECT", ":scheme: http", ":authority: a:1", ":path: /"], Http2RequestError.MissingPseudoHeader },
        { [":method: CONNECT"], Http2RequestError.MissingPseudoHeader },
        { [":method: GET", ":scheme: http", ":path: "], Http2RequestError.InvalidPath },                             // 8.1.2.3/1
        { [":method: GET", ":scheme: http", ":path: a/b"], Http2RequestError.InvalidPath },
        { [":method: GET", ":scheme: http", ":path: *"], Http2RequestError.InvalidPath },
        { [":method: GET", ":scheme: http", ":path: /a HTTP/1.1\r\nx: y"], Http2RequestError.InvalidValueCharacter },
        { [":method: GET", ":scheme: http", ":path: /a HTTP/1.1"], Http2RequestError.InvalidPath },
        { [":method: GET /x", ":scheme: http", ":path: /"], Http2RequestError.InvalidValueCharacter },
        { [":method: GET", ":scheme: http", ":authority: a b", ":path: /"], Http2RequestError.InvalidValueCharacter },
        { [.. Valid, "content-length: 1x"], Http2RequestError.InvalidContentLength },
        { [.. Valid, "content-length: 1", "content-length: 2"], Http2RequestError.InvalidContentLength },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Complete_MalformedRequest_IsRefusedWithItsCause(string[] fields, Http2RequestError expected) =>
        Assert.Equal(expected, Check(fields));

    [Fact]
    public void Complete_ValidRequest_KeepsPseudoHeadersApartAndFieldsInOrder()
    {
        using var headers = new Http2RequestHeaders(initialBytes: 16); // grows past the first buffer
        foreach (var (name, value) in new[] { (":method", "POST"), (":scheme", "https"), (":authority", "example.com:8443"), (":path", "/upload"), ("content-length", "12"), ("te", "trailers"), ("x-long", new string('v', 300)) })
        {
            headers.OnHeader(Encoding.Latin1.GetBytes(name), Encoding.Latin1.GetBytes(value));
        }

        Assert.Equal(Http2RequestError.None, headers.Complete());
        Assert.Equal("POST", Encoding.Latin1.GetString(headers.Method));
        Assert.Equal("https", Encoding.Latin1.GetString(headers.Scheme));
        Assert.Equal("example.com:8443", Encoding.Latin1.GetString(headers.Authority));
        Assert.Equal("/upload", Encoding.Latin1.GetString(headers.Path));
        Assert.Equal(12, headers.ContentLength);
        Assert.Equal(3, headers.Count);
        Assert.Equal("x-long", Encoding.Latin1.GetString(headers.NameAt(2)));
        Assert.Equal(300, headers.ValueAt(2).Length);
    }

    [Fact]
    public void Reset_ClearsTheLastBlocksErrorAndFields()
    {
        using var headers = new Http2RequestHeaders();
        headers.OnHeader("X-Upper"u8, "1"u8);
        Assert.Equal(Http2RequestError.UppercaseName, headers.Error);

        headers.Reset();
        headers.OnHeader(":method"u8, "CONNECT"u8);
        headers.OnHeader(":authority"u8, "backend:443"u8);

        Assert.Equal(Http2RequestError.None, headers.Complete());
        Assert.Equal(0, headers.Count);
        Assert.Equal(-1, headers.ContentLength);
    }
}
