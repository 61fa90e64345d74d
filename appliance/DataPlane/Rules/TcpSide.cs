namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>Whose bytes a <c>ctx.tcp</c> call is about: the client's (CLIENT_ACCEPTED, CLIENT_DATA) or the server's (SERVER_CONNECTED, SERVER_DATA).</summary>
public enum TcpSide : byte
{
    Client,
    Server,
}
