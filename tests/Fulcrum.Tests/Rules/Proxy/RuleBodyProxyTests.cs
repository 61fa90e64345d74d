using System.IO.Compression;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// Request bodies a rule collects, through the live proxy: content-coded (gzip, deflate) with either framing, bodies
/// over collect's max, and a gzip bomb. What the rule reads, what the member receives (byte for byte), and that the
/// proxy's memory stays bounded — as docs/RULES.md ("Bodies: decoding, framing, the cap") defines.
/// </summary>
public sealed class RuleBodyProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private static readonly string Text = string.Concat(Enumerable.Repeat("hello, compressed world! ", 20));

    private static readonly Lazy<byte[]> Bomb = new(() =>
    {
        // 256 MiB of zeros, about 250 KB on the wire.
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 256; i++)
            {
                gz.Write(zeros);
            }
        }
        return ms.ToArray();
    });

    public RuleBodyProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>Says what arrived: the framing and coding fields, the length and hash of the body, and short bodies as text.</summary>
    private Task<ScriptedBackend> Inspector() => Scripted("be", async ctx =>
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms);
        var bytes = ms.ToArray();
        var h = ctx.Request.Headers;
        var text = bytes.Length <= 1024 && bytes.All(b => b is >= 0x20 and < 0x7f) ? Encoding.ASCII.GetString(bytes) : "";
        ctx.Response.Headers["x-got"] = $"ce={h.ContentEncoding} cl={h.ContentLength} te={h.TransferEncoding} len={bytes.Length} sha={Sha(bytes)}";
        // Content-Length framing: a chunked answer's last chunk could arrive after "|END" and be read as the next response.
        var answer = Encoding.ASCII.GetBytes("text=" + text + "|END\n");
        ctx.Response.ContentLength = answer.Length;
        await ctx.Response.Body.WriteAsync(answer);
    });

    private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data))[..16];

    private static byte[] Encode(string coding, byte[] data)
    {
        using var ms = new MemoryStream();
        using (Stream z = coding switch
        {
            "gzip" => new GZipStream(ms, CompressionLevel.Optimal),
            "deflate" => new ZLibStream(ms, CompressionLevel.Optimal),
            _ => new DeflateStream(ms, CompressionLevel.Optimal), // "deflate" as some clients send it: raw, no zlib header
        })
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    /// <summary>The request bytes: a head, then the body with Content-Length or in two chunks.</summary>
    private static byte[] Request(string target, byte[] body, bool chunked, string? coding = null)
    {
        var head = new StringBuilder($"POST {target} HTTP/1.1\r\nHost: x\r\n");
        if (coding is not null)
        {
            head.Append("Content-Encoding: ").Append(coding).Append("\r\n");
        }
        head.Append(chunked ? "Transfer-Encoding: chunked\r\n\r\n" : $"Content-Length: {body.Length}\r\n\r\n");
        var wire = new MemoryStream();
        wire.Write(Encoding.ASCII.GetBytes(head.ToString()));
        if (!chunked)
        {
            wire.Write(body);
            return wire.ToArray();
        }
        var half = body.Length / 2;
        foreach (var part in new[] { body[..half], body[half..] })
        {
            wire.Write(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
            wire.Write(part);
            wire.Write("\r\n"u8);
        }
        wire.Write("0\r\n\r\n"u8);
        return wire.ToArray();
    }

    private static async Task<string> Exchange(Socket s, byte[] request)
    {
        await s.SendAsync(request);
        return await RawClient.ReadUntilAsync(s, "|END\n", 1, TimeSpan.FromSeconds(20));
    }

    private static string? Field(string response, string name) =>
        response.Split("\r\n").FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase))?[(name.Length + 2)..];

    public static TheoryData<string, bool> Codings() => new()
    {
        { "gzip", false }, { "gzip", true }, { "deflate", false }, { "deflate", true }, { "deflate-raw", false }, { "deflate-raw", true },
    };

    [Theory]
    [MemberData(nameof(Codings))]
    public async Task EncodedRequestBody_RuleReadsItDecoded_ReplacedGoesDecodedWithLength_UnreplacedGoesAsSent(string coding, bool chunked)
    {
        var be = await Inspector();
        await Pool("p", be.Port);
        await Rule("coded", """
            when('HTTP_REQUEST', ctx => { ctx.http.collect({ max: 65536 }); });
            when('HTTP_REQUEST_DATA', ctx => {
              ctx.req.seen = ctx.http.body;
              if (ctx.http.query === 'replace') ctx.http.body = ctx.http.body.toUpperCase();
            });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-seen', ctx.req.seen || 'no data event'); });
            """);
        var port = await Virtual("p", "coded");
        var header = coding == "deflate-raw" ? "deflate" : coding;
        var encoded = Encode(coding, Encoding.ASCII.GetBytes(Text));

        using var s = await RawClient.ConnectAsync(port);
        var replaced = await Exchange(s, Request("/up?replace", encoded, chunked, header));
        var kept = await Exchange(s, Request("/up?keep", encoded, chunked, header));

        Assert.Equal(Text, Field(replaced, "x-seen"));
        Assert.Equal($"ce= cl={Text.Length} te= len={Text.Length} sha={Sha(Encoding.ASCII.GetBytes(Text.ToUpperInvariant()))}", Field(replaced, "x-got"));
        Assert.Contains("text=" + Text.ToUpperInvariant() + "|END", replaced);
        Assert.Equal(Text, Field(kept, "x-seen"));
        Assert.Equal($"ce={header} cl={encoded.Length} te= len={encoded.Length} sha={Sha(encoded)}", Field(kept, "x-got"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyOverCollectMax_DataEventSkipped_StreamsWhole_ByteForByte_WithItsOwnFraming(bool chunked)
    {
        var be = await Inspector();
        await Pool("p", be.Port);
        await Rule("over", """
            when('HTTP_REQUEST', ctx => { ctx.http.collect({ max: 1024 }); });
            when('HTTP_REQUEST_DATA', ctx => { ctx.req.data = ctx.http.body.length; });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-data', String(ctx.req.data ?? 'none')); });
            """);
        var port = await Virtual("p", "over");
        var random = new Random(7);
        var big = new byte[200_000];
        random.NextBytes(big);
        var small = Encoding.ASCII.GetBytes(new string('s', 1000));

        using var s = await RawClient.ConnectAsync(port);
        var over = await Exchange(s, Request("/big", big, chunked));
        var within = await Exchange(s, Request("/small", small, chunked));

        Assert.Equal("none", Field(over, "x-data"));
        Assert.Equal(chunked ? $"ce= cl= te=chunked len={big.Length} sha={Sha(big)}" : $"ce= cl={big.Length} te= len={big.Length} sha={Sha(big)}", Field(over, "x-got"));
        Assert.Equal("1000", Field(within, "x-data"));
        Assert.Equal($"ce= cl=1000 te= len=1000 sha={Sha(small)}", Field(within, "x-got"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GzipBomb_DecodingStopsAtMax_DataEventSkipped_MemberGetsItAsSent_MemoryBounded(bool chunked)
    {
        var be = await Inspector();
        await Pool("p", be.Port);
        await Rule("bomb", """
            when('HTTP_REQUEST', ctx => { ctx.http.collect({ max: 4 << 20 }); });
            when('HTTP_REQUEST_DATA', ctx => { ctx.req.data = ctx.http.body.length; });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-data', String(ctx.req.data ?? 'none')); });
            """);
        var port = await Virtual("p", "bomb");
        var bomb = Bomb.Value;
        Assert.InRange(bomb.Length, 1, 4 << 20); // within max on the wire: only decoding can overflow
        var before = DataPlaneApi.Rss(_f.Appliance.Pid);

        using var s = await RawClient.ConnectAsync(port);
        var first = await Exchange(s, Request("/bomb", bomb, chunked, "gzip"));
        var second = await Exchange(s, Request("/bomb", bomb, chunked, "gzip"));
        var grown = DataPlaneApi.Rss(_f.Appliance.Pid) - before;

        foreach (var r in new[] { first, second })
        {
            Assert.Equal("none", Field(r, "x-data"));
            Assert.Equal($"ce=gzip cl={bomb.Length} te= len={bomb.Length} sha={Sha(bomb)}", Field(r, "x-got"));
        }
        // Decoding all of it would take 256 MiB; the cap is 4 MiB.
        Assert.True(grown < 96L << 20, $"RSS grew by {grown >> 20} MiB");
    }
}
