namespace Fulcrum.Appliance.Http.Http2;

/// <summary>Bounds a decoder keeps to; the connection announces the first and the last in its SETTINGS.</summary>
/// <param name="MaxTableSize">SETTINGS_HEADER_TABLE_SIZE this side announced: the most a peer's table size update may ask for.</param>
/// <param name="MaxStringLength">Longest name or value, raw or after Huffman decoding.</param>
/// <param name="MaxHeaderListSize">SETTINGS_MAX_HEADER_LIST_SIZE: sum over the fields of name + value + 32.</param>
public readonly record struct HpackDecoderLimits(int MaxTableSize, int MaxStringLength, int MaxHeaderListSize)
{
    public static HpackDecoderLimits Default => new(4096, 16 * 1024, 32 * 1024);
}
