using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>
/// The server side of a session. Without OneConnect the client connection keeps its server connection for its life
/// (LTM's default: one server connection per client connection, same member). With OneConnect each request takes an
/// idle connection to the picked member from the shared pool (matching the source mask) or opens one, and gives it
/// back when the response ends cleanly.
/// </summary>
internal sealed partial class HttpSession
{
    private async ValueTask<ServerConnection?> AcquireServerAsync(bool fresh)
    {
        var oneConnect = _plan.OneConnect;
        if (oneConnect is null)
        {
            if (_bound is { } bound)
            {
                if (!fresh && _proxy.OneConnect.IsAlive(bound) && (_ctx.Rules is not { } rules || rules.Fits(bound.Member)) && !_ctx.Balancing.MustLeave(bound.Member))
                {
                    if (CurrentPool() is { } boundPool)
                    {
                        _proxy.Selector.Reuse(_ctx, boundPool, bound.Member);
                    }
                    return bound;
                }
                _bound = null;
                bound.Close();
            }
        }
        else if (!fresh)
        {
            // Load balancing per request, LB_SELECTED on the pick (a rule may choose again), then an idle connection
            // to the chosen member if one matches, else a new one: a reused connection is picked exactly like a new one.
            CurrentPool();
            return await ConnectAsync(null, _takeIdle).ConfigureAwait(false);
        }
        return await ConnectAsync(null).ConfigureAwait(false);
    }

    /// <summary>
    /// The pool's live state for this request. The virtual's settings stay as they were when the client connected, but
    /// members and their health are live: per-request balancing follows a pool edit or a member going down at once.
    /// One reference comparison per request; a lookup only after a change.
    /// </summary>
    private Balancing.PoolState? CurrentPool()
    {
        if (_ctx.Rules is not null)
        {
            return _ctx.Pool; // the rules' session sets it per request: the virtual's pool, or the one a rule chose
        }
        var pools = _proxy.Balancing.Pools;
        if (!ReferenceEquals(pools, _pools))
        {
            _pools = pools;
            if (_plan.Runtime.Pool is { } config)
            {
                _ctx.Pool = pools.GetValueOrDefault(config.Name);
            }
        }
        return _ctx.Pool;
    }

    private async ValueTask<ServerConnection?> ConnectAsync(Balancing.MemberState? preselected, Func<Balancing.MemberState, ServerConnection?>? takeIdle = null)
    {
        _ctx.SetDeadline(_plan.ConnectTimeoutMs * 2 + 1000, TerminationCause.ConnectTimeout);
        var result = await _proxy.Connector.ConnectAsync(_ctx, _reuseKey, preselected: preselected, takeIdle: takeIdle).ConfigureAwait(false);
        _ctx.SetDeadline(_plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
        if (result.Connection is null)
        {
            _lastConnectFailure = result.Failure;
            return null;
        }
        if (_plan.OneConnect is null)
        {
            _bound = result.Connection;
        }
        return result.Connection;
    }

    /// <summary>A response ended cleanly: keep the server connection (bound, or back to the OneConnect pool) if it may carry another.</summary>
    private void ReleaseServer(ServerConnection server, bool reusable)
    {
        _ctx.Server = null;
        if (!reusable)
        {
            DropServer(server, TerminationCause.None);
            return;
        }
        if (_plan.OneConnect is { } oneConnect)
        {
            _proxy.OneConnect.Return(server, oneConnect, _plan.IdleTimeoutMs);
        }
    }

    /// <summary>
    /// Closes a server connection that must not be reused. A request body still streaming to it is stopped first and
    /// awaited, so no task is left writing from a buffer that goes back to the pool.
    /// </summary>
    private async ValueTask DropServerAsync(ServerConnection server, TerminationCause cause)
    {
        if (_upload is { } upload)
        {
            _upload = null;
            _abandoning = true;
            server.Side.Abort();
            if (!upload.IsCompleted)
            {
                _client.CancelPendingRead();
            }
            try
            {
                await upload.ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIo(ex))
            {
            }
            _abandoning = false;
        }
        DropServer(server, cause);
    }

    /// <summary>Closes a server connection that must not be reused; counts the cause against the member.</summary>
    private void DropServer(ServerConnection server, TerminationCause cause)
    {
        _ctx.Server = null;
        server.MemberCounters.Error(cause);
        server.PoolCounters?.Error(cause);
        if (ReferenceEquals(_bound, server))
        {
            _bound = null;
        }
        server.Close(abort: cause != TerminationCause.None);
    }
}
