using System.Net;

namespace Fulcrum.Scripting.Contracts;

/// <summary>
/// The proxy's view of one client connection, given to the rule engine when the connection opens
/// (<see cref="Runtime.RuleSet.Open"/>) and read during each event's dispatch. The engine reads properties only when a
/// rule asks for them, on the dispatching thread; the proxy swaps what they return as the connection moves on
/// (server side chosen, next request on keep-alive).
/// </summary>
public interface IRuleEventContext
{
    /// <summary>Name of the virtual server (<c>ctx.vs</c>).</summary>
    string VirtualServer { get; }

    IPEndPoint Client { get; }

    /// <summary>The virtual server's address as the client reached it.</summary>
    IPEndPoint Local { get; }

    /// <summary>The server-side peer once connected (the member); null before.</summary>
    IPEndPoint? Server { get; }

    /// <summary>The HTTP exchange in flight; null on a virtual server without an http profile.</summary>
    IRuleHttp? Http { get; }

    IRuleTcp Tcp { get; }

    IRuleBalancer Balancer { get; }

    IRulePersistence Persistence { get; }

    /// <summary>TLS facts of the client side; null without a client-ssl profile.</summary>
    IRuleSsl? Ssl { get; }

    /// <summary>TLS facts of the connection to the member; null without a server-ssl profile or before it is connected.</summary>
    IRuleServerSsl? ServerSsl => null;

    /// <summary>The DNS query in DNS_REQUEST (dns virtual servers); null on client connections.</summary>
    IRuleDns? Dns => null;
}
