namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// Why a request's header block is malformed (RFC 9113 §8.1.1, §8.2, §8.3). Each one is a stream error
/// (RST_STREAM PROTOCOL_ERROR): the connection and its other streams carry on, and nothing reaches a member.
/// </summary>
public enum Http2RequestError : byte
{
    None,
    /// <summary>A field name with an uppercase letter (§8.2.1).</summary>
    UppercaseName,
    /// <summary>A name outside the token characters (CR, LF, NUL, space, a colon not at the start; §8.2.1).</summary>
    InvalidNameCharacter,
    /// <summary>A value with NUL, CR or LF, or with leading or trailing whitespace (§8.2.1).</summary>
    InvalidValueCharacter,
    /// <summary>Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding or Upgrade (§8.2.2).</summary>
    ConnectionSpecificHeader,
    /// <summary>TE with any value other than <c>trailers</c> (§8.2.2).</summary>
    TeNotTrailers,
    /// <summary>A pseudo-header after a regular field (§8.3).</summary>
    PseudoHeaderAfterField,
    /// <summary>A pseudo-header that is not a request one (<c>:status</c>, unknown names; §8.3).</summary>
    UnknownPseudoHeader,
    /// <summary>The same pseudo-header twice (§8.3.1).</summary>
    DuplicatePseudoHeader,
    /// <summary><c>:method</c>, <c>:scheme</c> or <c>:path</c> absent (CONNECT: <c>:authority</c> absent, or scheme/path present; §8.3.1, §8.5).</summary>
    MissingPseudoHeader,
    /// <summary>An empty <c>:path</c>, or one that is neither origin form nor <c>*</c> for OPTIONS (§8.3.1).</summary>
    InvalidPath,
    /// <summary>A <c>content-length</c> that is not a number, or several that differ (§8.1.1).</summary>
    InvalidContentLength,
    /// <summary>DATA longer or shorter than the <c>content-length</c> (§8.1.1).</summary>
    ContentLengthMismatch,
    /// <summary>The header list is larger than this side's SETTINGS_MAX_HEADER_LIST_SIZE, or has too many fields.</summary>
    HeadersTooLarge,
}
