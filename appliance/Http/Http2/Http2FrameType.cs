namespace Fulcrum.Appliance.Http.Http2;

/// <summary>Frame types of RFC 9113 §6; any other value is an extension frame, which must be ignored (§4.1).</summary>
public enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}
