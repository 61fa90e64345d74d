namespace Fulcrum.Appliance.DataPlane.ProxyProtocol;

public enum ProxyProtocolVersion : byte
{
    None,
    V1,
    V2,
}
