namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// Why an HPACK header block (RFC 7541) was refused. Every value except <see cref="HeaderListTooLarge"/> leaves the
/// decoder's dynamic table out of step with the peer's encoder, so the connection must end with COMPRESSION_ERROR
/// (RFC 9113 §4.3); <see cref="HeaderListTooLarge"/> is raised after the whole block was decoded, so only the stream
/// needs to be refused.
/// </summary>
public enum HpackError : byte
{
    None = 0,

    /// <summary>The block ended inside a representation (an integer, a string length or a string).</summary>
    Truncated,

    /// <summary>An integer needs more than 31 bits or more continuation bytes than any valid one (RFC 7541 §5.1).</summary>
    IntegerOverflow,

    /// <summary>An indexed representation named index 0 (RFC 7541 §6.1).</summary>
    IndexZero,

    /// <summary>An index past the static and the dynamic table (RFC 7541 §2.3.3).</summary>
    IndexOutOfRange,

    /// <summary>A Huffman string holds the EOS symbol or a code that is not in the table (RFC 7541 §5.2).</summary>
    HuffmanInvalidCode,

    /// <summary>A Huffman string ends in more than 7 bits of padding or in padding that is not the EOS prefix.</summary>
    HuffmanInvalidPadding,

    /// <summary>A name or value is longer than <see cref="HpackDecoderLimits.MaxStringLength"/>, before or after Huffman decoding.</summary>
    StringTooLong,

    /// <summary>A dynamic table size update above the limit this side announced (RFC 7541 §6.3).</summary>
    TableSizeUpdateTooLarge,

    /// <summary>A dynamic table size update after the first field of a block (RFC 7541 §4.2).</summary>
    TableSizeUpdateNotAtStart,

    /// <summary>
    /// The decoded fields exceed <see cref="HpackDecoderLimits.MaxHeaderListSize"/> (sum of name + value + 32, RFC 9113
    /// §6.5.2). The block was decoded to its end, so the dynamic table is still in step and only the stream is refused.
    /// </summary>
    HeaderListTooLarge,

    /// <summary>The encoder's destination is too small for the field; nothing was written and the table is unchanged.</summary>
    DestinationTooSmall,
}
