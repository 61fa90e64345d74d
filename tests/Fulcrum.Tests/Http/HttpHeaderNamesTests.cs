using Fulcrum.Appliance.Http;
using static Fulcrum.Tests.Http.HttpTestInput;

namespace Fulcrum.Tests.Http;

public sealed class HttpHeaderNamesTests
{
    [Theory]
    [InlineData("Host", HttpKnownHeader.Host)]
    [InlineData("HOST", HttpKnownHeader.Host)]
    [InlineData("CoNtEnT-LeNgTh", HttpKnownHeader.ContentLength)]
    [InlineData("transfer-encoding", HttpKnownHeader.TransferEncoding)]
    [InlineData("X-Forwarded-Proto", HttpKnownHeader.XForwardedProto)]
    [InlineData("X-Forwarded-For", HttpKnownHeader.XForwardedFor)]
    [InlineData("Connection", HttpKnownHeader.Connection)]
    [InlineData("Keep-Alive", HttpKnownHeader.KeepAlive)]
    [InlineData("Proxy-Connection", HttpKnownHeader.ProxyConnection)]
    [InlineData("TE", HttpKnownHeader.TE)]
    [InlineData("Trailer", HttpKnownHeader.Trailer)]
    [InlineData("Upgrade", HttpKnownHeader.Upgrade)]
    [InlineData("Expect", HttpKnownHeader.Expect)]
    [InlineData("Via", HttpKnownHeader.Via)]
    [InlineData("Server", HttpKnownHeader.Server)]
    [InlineData("Cookie", HttpKnownHeader.Cookie)]
    [InlineData("Set-Cookie", HttpKnownHeader.SetCookie)]
    [InlineData("Content-Lengths", HttpKnownHeader.Unknown)]
    [InlineData("Hos", HttpKnownHeader.Unknown)]
    [InlineData("H\u00d8st", HttpKnownHeader.Unknown)]
    [InlineData("", HttpKnownHeader.Unknown)]
    public void Identify_AnyCase_FindsKnownHeader(string name, HttpKnownHeader expected)
    {
        Assert.Equal(expected, HttpHeaderNames.Identify(Bytes(name)));
    }

    [Theory]
    [InlineData("chunked", "CHUNKED", true)]
    [InlineData("Keep-Alive", "keep-alive", true)]
    [InlineData("chunked", "chunke", false)]
    [InlineData("chunked", "chunkee", false)]
    [InlineData("\u00c9", "\u00e9", false)]
    [InlineData("", "", true)]
    public void EqualsIgnoreCase_AsciiOnly(string left, string right, bool equal)
    {
        Assert.Equal(equal, HttpAscii.EqualsIgnoreCase(Bytes(left), Bytes(right)));
    }
}
