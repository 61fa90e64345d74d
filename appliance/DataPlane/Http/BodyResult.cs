namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>How copying one body (or one tunnel direction) ended; says which side failed so the cause is right.</summary>
public enum BodyResult : byte
{
    Done,
    SourceFailed,
    DestinationFailed,
    /// <summary>The chunked framing was invalid; the decoder's reason is kept by the caller.</summary>
    Invalid,
}
