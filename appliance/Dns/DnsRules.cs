using System.Net;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// A dns virtual's rules for one catalog: the rule set (null with <see cref="Broken"/> when a listed rule is missing or
/// does not compile: every query then gets SERVFAIL, counted as a rule error — fail closed, as the proxy resets) and
/// the virtual's address for <c>ctx.local</c>.
/// </summary>
public sealed record DnsRules(RuleSet? Set, bool Broken, string VirtualServer, IPEndPoint Local);
