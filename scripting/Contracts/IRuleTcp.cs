namespace Fulcrum.Scripting.Contracts;

/// <summary>
/// The byte streams of an L4 connection. Each call acts on the side of the event being dispatched: the client's
/// bytes in CLIENT_ACCEPTED and CLIENT_DATA, the server's in SERVER_CONNECTED and SERVER_DATA.
/// </summary>
public interface IRuleTcp
{
    /// <summary>
    /// Buffer at least <paramref name="bytes"/> bytes (or until the stream ends) from the client (in CLIENT_ACCEPTED,
    /// CLIENT_DATA) or the server (SERVER_CONNECTED, SERVER_DATA), then dispatch CLIENT_DATA / SERVER_DATA. In a data
    /// event without <see cref="Release"/>: hold until this many bytes are held in total; after it: hold the next bytes.
    /// </summary>
    /// <param name="timeoutMs">
    /// How long to wait for the bytes before the data event runs with what arrived (<see cref="TimedOut"/> true); 0: the
    /// tcp profile's <c>collectTimeout</c>.
    /// </param>
    void Collect(int bytes, int timeoutMs = 0);

    /// <summary>In a data event: the collect's wait ran out, so <see cref="Payload"/> may be shorter than asked (or empty).</summary>
    bool TimedOut { get; }

    /// <summary>The bytes collected so far in this direction.</summary>
    ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Send these bytes onward instead of the collected ones.</summary>
    void ReplacePayload(ReadOnlyMemory<byte> payload);

    /// <summary>Send bytes to the peer of the event's side, as iRules' TCP::respond: the client in CLIENT_*, the server in SERVER_DATA.</summary>
    void Respond(ReadOnlyMemory<byte> data);

    /// <summary>Stop collecting; release what was collected and go on streaming.</summary>
    void Release();

    /// <summary>
    /// Release only the first <paramref name="bytes"/> of the payload (0 to its length; iRules <c>TCP::release n</c>):
    /// the rest stays held, and the data event runs again when the collect count is reached or, without a new collect,
    /// when more bytes arrive.
    /// </summary>
    void Release(int bytes);
}
