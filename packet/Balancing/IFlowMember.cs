using System.Net;

namespace Fulcrum.Packet.Balancing;

/// <summary>
/// A member as packet mode sees it: where to forward, whether it may take flows, and the flow counts the
/// least-connections family reads (packet mode reports each tracked flow it opens and ends).
/// </summary>
public interface IFlowMember
{
    /// <summary>Stable name of the member (<c>address:port</c>), shown in the connection table.</summary>
    string Key { get; }

    IPEndPoint EndPoint { get; }

    /// <summary>False once its monitors mark it down (flows to it then follow the virtual's member-down setting).</summary>
    bool IsUp { get; }

    void FlowOpened();

    void FlowClosed();
}
