using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

public sealed class Http2FlowWindowTests
{
    [Fact]
    public void TryConsume_MoreThanTheWindow_IsFlowControlErrorAndTakesNothing()
    {
        var window = new Http2FlowWindow(65_535);

        Assert.Equal(Http2ErrorCode.NoError, window.TryConsume(65_535));
        Assert.Equal(Http2ErrorCode.FlowControlError, window.TryConsume(1));

        Assert.Equal(0, window.Available);
    }

    [Fact]
    public void TryIncrease_ZeroIncrement_IsProtocolError() // h2spec 6.9/1, 6.9/2
    {
        var window = new Http2FlowWindow(100);

        Assert.Equal(Http2ErrorCode.ProtocolError, window.TryIncrease(0));
        Assert.Equal(100, window.Available);
    }

    [Fact]
    public void TryIncrease_PastTwoToThe31MinusOne_IsFlowControlError() // h2spec 6.9.1/2, 6.9.1/3
    {
        var window = new Http2FlowWindow(65_535);

        Assert.Equal(Http2ErrorCode.NoError, window.TryIncrease(int.MaxValue - 65_535));
        Assert.Equal(Http2ErrorCode.FlowControlError, window.TryIncrease(1));

        Assert.Equal(int.MaxValue, window.Available);
    }

    [Fact]
    public void TryAdjustInitial_LoweredBelowWhatWasSent_GoesNegativeUntilUpdated() // h2spec 6.9.2/2
    {
        var window = new Http2FlowWindow(65_535);
        Assert.Equal(Http2ErrorCode.NoError, window.TryConsume(60_000));

        Assert.Equal(Http2ErrorCode.NoError, window.TryAdjustInitial(0 - 65_535));
        Assert.Equal(-60_000, window.Available);

        Assert.Equal(Http2ErrorCode.NoError, window.TryIncrease(60_010));
        Assert.Equal(10, window.Available);
    }

    [Fact]
    public void TryAdjustInitial_PastTwoToThe31MinusOne_IsFlowControlError() // h2spec 6.9.2/3
    {
        var window = new Http2FlowWindow(65_535);
        Assert.Equal(Http2ErrorCode.NoError, window.TryIncrease(int.MaxValue - 65_535));

        Assert.Equal(Http2ErrorCode.FlowControlError, window.TryAdjustInitial(1));
    }

    [Fact]
    public void TakeUpdate_SendsOneUpdatePerHalfWindow()
    {
        var window = new Http2FlowWindow(65_535);
        Assert.Equal(Http2ErrorCode.NoError, window.TryConsume(16_384));
        Assert.Equal(0, window.TakeUpdate(65_535));

        Assert.Equal(Http2ErrorCode.NoError, window.TryConsume(16_384));
        Assert.Equal(32_768, window.TakeUpdate(65_535));

        Assert.Equal(65_535, window.Available);
    }
}
