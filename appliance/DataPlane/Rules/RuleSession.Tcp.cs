using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// The byte stream at L4: <c>ctx.tcp.collect(n)</c> holds the client's first bytes (nothing is sent to a member, no
/// member is even picked) until CLIENT_DATA releases them or decides otherwise.
/// </summary>
public sealed partial class RuleSession : IRuleTcp
{
    private ReadOnlyMemory<byte> _payload;
    private byte[]? _replacedPayload;
    private bool _released;
    private int _collect;
    private List<byte[]>? _tcpOut;

    /// <summary>The client bytes collected and released: sent to the member first, before the streams are joined.</summary>
    public ReadOnlyMemory<byte> ClientPayload { get; private set; }

    void IRuleTcp.Collect(int bytes) => _collect = bytes;

    public ReadOnlyMemory<byte> Payload => _payload;

    public void ReplacePayload(ReadOnlyMemory<byte> payload)
    {
        _replacedPayload = payload.ToArray();
        _payload = _replacedPayload;
    }

    public void Respond(ReadOnlyMemory<byte> data) => (_tcpOut ??= []).Add(data.ToArray());

    public void Release() => _released = true;

    /// <summary>
    /// CLIENT_DATA: when a rule asked to collect, reads the client's first bytes (up to what was asked, or until the
    /// client's FIN, within the idle timeout), runs CLIENT_DATA, sends what the rule responded, and repeats while a rule
    /// collects more. A rule that neither releases nor collects again releases implicitly. False: the connection ends.
    /// </summary>
    internal async ValueTask<bool> CollectClientAsync()
    {
        if (_collect <= 0 || !Set.Handles(RuleEvent.ClientData))
        {
            return await FlushTcpOutAsync().ConfigureAwait(false);
        }
        var buffer = new byte[Math.Min(_collect, 1 << 20)];
        var filled = 0;
        var eof = false;
        while (true)
        {
            if (filled < _collect && !eof)
            {
                if (buffer.Length < _collect)
                {
                    Array.Resize(ref buffer, Math.Min(_collect, 16 << 20));
                }
                _ctx.SetDeadline(_ctx.Plan.IdleTimeoutMs > 0 ? _ctx.Plan.IdleTimeoutMs : 300_000, TerminationCause.ClientTimeout);
                while (filled < _collect && filled < buffer.Length)
                {
                    var n = await _ctx.Client.Stream.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
                    if (n == 0)
                    {
                        eof = true;
                        break;
                    }
                    filled += n;
                }
                _ctx.ClearDeadline();
            }
            _payload = buffer.AsMemory(0, filled);
            _replacedPayload = null;
            _released = false;
            _collect = 0;
            var status = Dispatch(RuleEvent.ClientData);
            if (!await FlushTcpOutAsync().ConfigureAwait(false) || status != ProxyEventStatus.Continue)
            {
                return false;
            }
            if (_released || _collect <= filled || eof)
            {
                ClientPayload = _replacedPayload ?? _payload;
                return true;
            }
        }
    }

    /// <summary>Sends what <c>ctx.tcp.respond</c> queued; false when the client is gone.</summary>
    internal async ValueTask<bool> FlushTcpOutAsync()
    {
        if (_tcpOut is not { } queued)
        {
            return true;
        }
        _tcpOut = null;
        try
        {
            foreach (var bytes in queued)
            {
                _ctx.Client.Append(bytes);
            }
            await _ctx.Client.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
