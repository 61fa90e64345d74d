using Fulcrum.Appliance.Http;

namespace Fulcrum.Tests.Http;

public sealed class HttpResponseFramingTests
{
    [Theory]
    [InlineData(HttpMethodKind.Head, 200, HttpBodyFraming.ContentLength, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Head, 200, HttpBodyFraming.Chunked, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Head, 404, HttpBodyFraming.None, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Get, 100, HttpBodyFraming.ContentLength, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Get, 199, HttpBodyFraming.Chunked, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Get, 101, HttpBodyFraming.None, HttpBodyFraming.Tunnel)]
    [InlineData(HttpMethodKind.Get, 204, HttpBodyFraming.Chunked, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Get, 304, HttpBodyFraming.ContentLength, HttpBodyFraming.None)]
    [InlineData(HttpMethodKind.Connect, 200, HttpBodyFraming.ContentLength, HttpBodyFraming.Tunnel)]
    [InlineData(HttpMethodKind.Connect, 299, HttpBodyFraming.None, HttpBodyFraming.Tunnel)]
    [InlineData(HttpMethodKind.Connect, 403, HttpBodyFraming.ContentLength, HttpBodyFraming.ContentLength)]
    [InlineData(HttpMethodKind.Connect, 502, HttpBodyFraming.None, HttpBodyFraming.UntilClose)]
    [InlineData(HttpMethodKind.Get, 200, HttpBodyFraming.Chunked, HttpBodyFraming.Chunked)]
    [InlineData(HttpMethodKind.Get, 200, HttpBodyFraming.ContentLength, HttpBodyFraming.ContentLength)]
    [InlineData(HttpMethodKind.Get, 200, HttpBodyFraming.None, HttpBodyFraming.UntilClose)]
    [InlineData(HttpMethodKind.Post, 500, HttpBodyFraming.UntilClose, HttpBodyFraming.UntilClose)]
    public void Determine_MethodStatusAndHeaders_GivesRfcFraming(
        HttpMethodKind method, int status, HttpBodyFraming fromHeaders, HttpBodyFraming expected)
    {
        Assert.Equal(expected, HttpResponseFraming.Determine(method, status, fromHeaders));
    }
}
