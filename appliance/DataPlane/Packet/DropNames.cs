using Fulcrum.Packet;

namespace Fulcrum.Appliance.DataPlane.Packet;

/// <summary>API names of packet-mode drop reasons.</summary>
public static class DropNames
{
    public static string Of(DropReason reason) => reason switch
    {
        DropReason.NoFlow => "no-flow",
        DropReason.TableFull => "table-full",
        DropReason.NoMember => "no-member",
        DropReason.NoNeighbour => "no-neighbour",
        DropReason.Fragment => "fragment",
        DropReason.Malformed => "malformed",
        DropReason.MemberDown => "member-down",
        DropReason.SnatExhausted => "snat-exhausted",
        _ => reason.ToString(),
    };
}
