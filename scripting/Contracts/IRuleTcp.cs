namespace Fulcrum.Scripting.Contracts;

/// <summary>The byte stream of an L4 (or pre-HTTP) connection.</summary>
public interface IRuleTcp
{
    /// <summary>
    /// Buffer at least <paramref name="bytes"/> bytes (or until the stream ends) from the client (in CLIENT_ACCEPTED,
    /// CLIENT_DATA) or the server (SERVER_CONNECTED, SERVER_DATA), then dispatch CLIENT_DATA / SERVER_DATA.
    /// </summary>
    void Collect(int bytes);

    /// <summary>The bytes collected so far in this direction.</summary>
    ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Send these bytes onward instead of the collected ones.</summary>
    void ReplacePayload(ReadOnlyMemory<byte> payload);

    /// <summary>Send bytes to the client now.</summary>
    void Respond(ReadOnlyMemory<byte> data);

    /// <summary>Stop collecting; release what was collected and go on streaming.</summary>
    void Release();
}
