using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// performance-l4 virtual servers (packet mode): what the forwarder can do, and nothing it would silently ignore.
/// </summary>
internal sealed partial class VirtualServerValidator
{
    private static void ValidatePacketMode(ValidationContext context, VirtualServer v, string path)
    {
        var forwarding = v.Forwarding ?? PacketForwardings.Nat;
        context.OneOf(path, "forwarding", forwarding, PacketForwardings.All);
        if (PacketForwardings.All.Contains(forwarding) && !PacketForwardings.Implemented.Contains(forwarding))
        {
            context.Add($"{path}/forwarding", $"forwarding '{forwarding}' is not implemented yet; use one of: {string.Join(", ", PacketForwardings.Implemented.Order(StringComparer.Ordinal))}");
        }
        if (string.IsNullOrEmpty(v.ClientInterface))
        {
            context.Add($"{path}/clientInterface", "a performance-l4 virtual server needs the interface its clients' packets arrive on");
        }
        else
        {
            InterfaceName(context, path, "clientInterface", v.ClientInterface);
        }
        if (v.ServerInterface is not null)
        {
            InterfaceName(context, path, "serverInterface", v.ServerInterface);
        }
        if (AddressSyntax.TryParseEndpoint(v.Destination, out var destination) && destination.Address.AddressFamily != AddressFamily.InterNetwork)
        {
            context.Add($"{path}/destination", "packet mode forwards IPv4 only; use an IPv4 virtual address");
        }
        else if (destination is not null && destination.Address.Equals(IPAddress.Any))
        {
            context.Add($"{path}/destination", "packet mode needs a virtual address (it answers ARP for it), not 0.0.0.0");
        }
        if (v.SourceAddressTranslation == SourceTranslations.Snat)
        {
            context.Add($"{path}/sourceAddressTranslation", "a performance-l4 virtual server translates addresses per its 'forwarding'; use forwarding 'fullnat' with 'snatPool'");
        }
        if (forwarding == PacketForwardings.FullNat)
        {
            if (v.SnatPool.Length == 0)
            {
                context.Add($"{path}/snatPool", "fullnat forwarding needs at least one IPv4 address in snatPool");
            }
            for (var i = 0; i < v.SnatPool.Length; i++)
            {
                if (!IPAddress.TryParse(v.SnatPool[i], out var a) || a.AddressFamily != AddressFamily.InterNetwork)
                {
                    context.Add($"{path}/snatPool/{i}", $"'{v.SnatPool[i]}' is not an IPv4 address");
                }
            }
        }
        else if (v.SnatPool.Length > 0)
        {
            context.Add($"{path}/snatPool", "snatPool is used by performance-l4 virtual servers only with forwarding 'fullnat'");
        }
        if (forwarding == PacketForwardings.Dr && v.ServerInterface is null)
        {
            // DR only rewrites the MAC: the members must be on the server interface's L2 segment, which the virtual declares.
            context.Add($"{path}/serverInterface", "dr forwarding needs serverInterface: the interface on the L2 segment the members share with this box");
        }
        if (forwarding is PacketForwardings.Dr or PacketForwardings.Tun && destination is not null && v.Pool is not null
            && context.Config.Pools.FirstOrDefault(p => p.Name == v.Pool) is { } pool)
        {
            for (var i = 0; i < pool.Members.Length; i++)
            {
                if (pool.Members[i].Port != destination.Port)
                {
                    context.Add($"{path}/pool", $"{forwarding} forwarding leaves the packet's destination as is, so member {pool.Members[i].Key} of pool '{pool.Name}' must listen on the virtual's port {destination.Port}");
                }
            }
        }
        if (v.Pool is not null && context.Config.Pools.FirstOrDefault(p => p.Name == v.Pool) is { ServiceDownAction: ServiceDownActions.Reselect } reselect)
        {
            context.Add($"{path}/pool", $"pool '{reselect.Name}' has serviceDownAction reselect, which needs a full proxy; packet mode keeps (none) or resets (reset) a down member's flows");
        }
        if (v.ClientSideTcp is not null)
        {
            context.Add($"{path}/clientSideTcp", "a performance-l4 virtual server forwards packets and applies no tcp profile");
        }
        if (v.ServerSideTcp is not null)
        {
            context.Add($"{path}/serverSideTcp", "a performance-l4 virtual server forwards packets and applies no tcp profile");
        }
        if (v.FallbackPersistence is not null)
        {
            context.Add($"{path}/fallbackPersistence", "a performance-l4 virtual server takes one persistence profile (source-address)");
        }
        if (v.Persistence is not null && ConfigKinds.PersistenceProfiles.Find(context.Config, v.Persistence) is PersistenceProfile { Method: not PersistenceMethods.SourceAddress } p)
        {
            context.Add($"{path}/persistence", $"{p.Method} persistence ('{p.Name}') needs a full proxy; a performance-l4 virtual server persists by source address");
        }
    }

    private static void RefusePacketFields(ValidationContext context, VirtualServer v, string path)
    {
        foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("forwarding", v.Forwarding), ("clientInterface", v.ClientInterface), ("serverInterface", v.ServerInterface)])
        {
            if (value is not null)
            {
                context.Add($"{path}/{field}", $"{field} applies only to performance-l4 virtual servers (packet mode)");
            }
        }
    }

    private static void InterfaceName(ValidationContext context, string path, string field, string name)
    {
        // Linux interface names: at most 15 bytes, no '/', no whitespace.
        if (name.Length > 15 || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || c > 127))
        {
            context.Add($"{path}/{field}", $"'{name}' is not an interface name (at most 15 characters, no '/', ':' or spaces)");
        }
    }
}
