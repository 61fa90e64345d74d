namespace Fulcrum.Scripting.Wire.Tls;

/// <summary>What <see cref="TlsClientHello.TryParse(ReadOnlySpan{byte}, out TlsClientHello?)"/> found in the bytes so far.</summary>
public enum ClientHelloParse : byte
{
    /// <summary>A whole, well-formed ClientHello.</summary>
    Ok,
    /// <summary>A well-formed prefix: more bytes are needed (how many, when the record lengths say).</summary>
    Incomplete,
    /// <summary>Not a TLS ClientHello, or a malformed one (<see cref="ClientHelloError"/> says which).</summary>
    Invalid,
}
