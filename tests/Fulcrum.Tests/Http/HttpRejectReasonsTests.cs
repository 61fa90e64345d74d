using Fulcrum.Appliance.Http;

namespace Fulcrum.Tests.Http;

public sealed class HttpRejectReasonsTests
{
    [Theory]
    [InlineData(HttpRejectReason.InvalidRequestLine, 400)]
    [InlineData(HttpRejectReason.InvalidMethod, 400)]
    [InlineData(HttpRejectReason.InvalidRequestTarget, 400)]
    [InlineData(HttpRejectReason.UnsupportedVersion, 505)]
    [InlineData(HttpRejectReason.RequestLineTooLong, 414)]
    [InlineData(HttpRejectReason.HeadersTooLarge, 431)]
    [InlineData(HttpRejectReason.TooManyHeaders, 431)]
    [InlineData(HttpRejectReason.TrailersTooLarge, 431)]
    [InlineData(HttpRejectReason.BareLf, 400)]
    [InlineData(HttpRejectReason.ContentLengthWithTransferEncoding, 400)]
    [InlineData(HttpRejectReason.UnsupportedTransferEncoding, 501)]
    [InlineData(HttpRejectReason.ChunkedNotFinal, 400)]
    [InlineData(HttpRejectReason.UnsupportedExpectation, 417)]
    [InlineData(HttpRejectReason.InvalidChunkSize, 400)]
    [InlineData(HttpRejectReason.InvalidStatusLine, 502)]
    [InlineData(HttpRejectReason.StatusLineTooLong, 502)]
    public void StatusCode_Reason_MapsToRfcStatus(HttpRejectReason reason, int statusCode)
    {
        Assert.Equal(statusCode, HttpRejectReasons.StatusCode(reason));
    }

    [Fact]
    public void Text_EveryReason_IsDistinctStableKebabCase()
    {
        var reasons = Enum.GetValues<HttpRejectReason>();
        var texts = reasons.Select(HttpRejectReasons.Text).ToArray();

        Assert.DoesNotContain("unknown", texts);
        Assert.Equal(texts.Length, texts.Distinct(StringComparer.Ordinal).Count());
        Assert.All(texts, t => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", t));
        Assert.Equal("content-length-with-transfer-encoding", HttpRejectReasons.Text(HttpRejectReason.ContentLengthWithTransferEncoding));
    }
}
