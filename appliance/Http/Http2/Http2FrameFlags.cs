namespace Fulcrum.Appliance.Http.Http2;

/// <summary>Frame flags (RFC 9113 §6); which ones mean something depends on the frame type.</summary>
public static class Http2FrameFlags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}
