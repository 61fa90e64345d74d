using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>Ending a client connection as a rule decided, where there is no HTTP answer to give.</summary>
internal static class RuleOutcome
{
    /// <summary>Close: flush what the rule sent (tcp respond) and FIN; anything else: reset (linger 0).</summary>
    public static async ValueTask EndAsync(ProxyContext ctx, ProxyEventStatus status)
    {
        if (ctx.Rules is { } rules)
        {
            await rules.FlushTcpOutAsync().ConfigureAwait(false);
        }
        if (status == ProxyEventStatus.Close)
        {
            try
            {
                await ctx.Client.FlushAsync().ConfigureAwait(false);
                ctx.Client.ShutdownSend();
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
            }
            return;
        }
        ctx.Client.Abort();
    }
}
