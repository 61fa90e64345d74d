namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// Why a connection (or a request on it) ended, named by side and stage as HAProxy's <c>SF_ERR_*</c> are. Each value is
/// counted per virtual, pool and member, and written in the access log's termination field.
/// </summary>
public enum TerminationCause : byte
{
    /// <summary>Ended normally (either side closed at a message boundary).</summary>
    None,

    /// <summary>The client sent nothing for too long: header timeout (slowloris), keep-alive idle, or L4 idle timeout.</summary>
    ClientTimeout,

    /// <summary>The member did not answer (or send more of a response) within the idle timeout.</summary>
    ServerTimeout,

    /// <summary>The client closed or reset in the middle of a request or a response.</summary>
    ClientClosed,

    /// <summary>The member closed or reset before its response was complete.</summary>
    ServerClosed,

    /// <summary>The member refused the connection (or it was unreachable).</summary>
    ConnectRefused,

    /// <summary>The member did not accept within the tcp profile's connect timeout.</summary>
    ConnectTimeout,

    /// <summary>No member was selectable (pool empty, all down or at their limits, or the virtual has no pool).</summary>
    NoMember,

    /// <summary>The client's request was refused by the parser (400/414/431/501/505/417).</summary>
    ClientParseError,

    /// <summary>The member's response was refused by the parser (502).</summary>
    ServerParseError,

    /// <summary>A limit was hit: virtual connection limit, SNAT ports exhausted, a socket could not be made.</summary>
    Resource,

    /// <summary>A bug or an unexpected error inside the proxy; logged with its exception.</summary>
    Internal,

    /// <summary>The member went down and the pool's serviceDownAction reset the connection (HAProxy <c>SF_ERR_DOWN</c>).</summary>
    MemberDown,
    /// <summary>The client's TLS handshake failed (no shared cipher or protocol, a refused certificate, not TLS); the reason is counted per virtual.</summary>
    ClientTls,
}
