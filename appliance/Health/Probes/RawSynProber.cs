using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// Half-open TCP probing over one raw IPv4 socket (needs root or CAP_NET_RAW): send a SYN from a reserved local port,
/// wait for the SYN-ACK (up) or an RST (refused), then send an RST so the server never sees an established
/// connection. One receive loop serves every probe: the raw socket sees every incoming TCP segment, and waiters are
/// found by (remote address, remote port, local port).
/// </summary>
/// <remarks>
/// The local port is reserved by binding (not connecting) an ordinary TCP socket, so no other socket can take it
/// meanwhile; since that socket does not listen, the kernel also answers the SYN-ACK with an RST of its own.
/// </remarks>
internal sealed class RawSynProber : IDisposable
{
    private const byte Syn = 0x02;
    private const byte Rst = 0x04;
    private const byte Ack = 0x10;

    private readonly Socket _raw;
    private readonly ConcurrentDictionary<(uint Remote, ushort RemotePort, ushort LocalPort), Waiter> _pending = new();
    private readonly CancellationTokenSource _stop = new();

    private RawSynProber(Socket raw)
    {
        _raw = raw;
        _ = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Opens the raw socket; throws <see cref="SocketException"/> (access denied) without the privilege.</summary>
    public static RawSynProber Create()
    {
        var raw = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Tcp);
        try
        {
            // A raw TCP socket is handed a copy of every TCP segment the host receives; on a busy box its buffer
            // overflows and the answers a probe waits for are dropped. The kernel keeps only SYN-ACKs and RSTs.
            AttachAnswerFilter(raw);
            raw.ReceiveBufferSize = 1 << 20;
        }
        catch
        {
            raw.Dispose();
            throw;
        }
        return new RawSynProber(raw);
    }

    private static unsafe void AttachAnswerFilter(Socket raw)
    {
        const int SolSocket = 1;
        const int SoAttachFilter = 26;
        // Classic BPF over the IP packet: X = IP header length; A = TCP flags; accept RST, or SYN|ACK both set.
        ulong[] program =
        [
            Instruction(0xb1, 0, 0, 0),     // ldxb 4*([0]&0xf)
            Instruction(0x50, 0, 0, 13),    // ldb [x+13]
            Instruction(0x45, 2, 0, Rst),   // jset #RST → accept
            Instruction(0x54, 0, 0, Syn | Ack), // and #(SYN|ACK)
            Instruction(0x15, 0, 1, Syn | Ack), // jeq #(SYN|ACK) → accept, else drop
            Instruction(0x06, 0, 0, 0xFFFF),    // ret accept
            Instruction(0x06, 0, 0, 0),         // ret drop
        ];
        fixed (ulong* filter = program)
        {
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; } on a 64-bit kernel.
            Span<byte> fprog = stackalloc byte[16];
            fprog.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(fprog, (ushort)program.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(fprog[8..], (ulong)filter);
            raw.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
        }
    }

    // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, little-endian.
    private static ulong Instruction(ushort code, byte jt, byte jf, uint k) =>
        code | ((ulong)jt << 16) | ((ulong)jf << 24) | ((ulong)k << 32);

    /// <summary>True when the SYN was answered with a SYN-ACK, false on an RST; cancelled at the timeout.</summary>
    public async Task<bool> ProbeAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        var local = LocalAddressFor(target.Address);
        using var reservation = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reservation.Bind(new IPEndPoint(local, 0));
        var localPort = (ushort)((IPEndPoint)reservation.LocalEndPoint!).Port;
        var remotePort = (ushort)target.Port;
        var isn = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        var key = (Address(target.Address), remotePort, localPort);
        var waiter = new Waiter(isn + 1);
        _pending[key] = waiter;
        try
        {
            var destination = new IPEndPoint(target.Address, 0);
            await _raw.SendToAsync(Segment(local, target.Address, localPort, remotePort, isn, 0, Syn), SocketFlags.None, destination, cancellationToken);
            var synAck = await waiter.Result.Task.WaitAsync(cancellationToken);
            if (synAck)
            {
                await _raw.SendToAsync(Segment(local, target.Address, localPort, remotePort, isn + 1, 0, Rst), SocketFlags.None, destination, cancellationToken);
            }
            return synAck;
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _raw.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Dispatch(buffer.AsSpan(0, n));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20 || packet[0] >> 4 != 4)
        {
            return;
        }
        var ihl = (packet[0] & 0x0F) * 4;
        if (packet.Length < ihl + 20)
        {
            return;
        }
        var source = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
        var tcp = packet[ihl..];
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        if (!_pending.TryGetValue((source, sourcePort, destinationPort), out var waiter))
        {
            return;
        }
        var ack = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
        var flags = tcp[13];
        if ((flags & (Syn | Ack)) == (Syn | Ack) && ack == waiter.ExpectedAck)
        {
            waiter.Result.TrySetResult(true);
        }
        else if ((flags & Rst) != 0)
        {
            waiter.Result.TrySetResult(false);
        }
    }

    /// <summary>The local address the kernel would use toward <paramref name="remote"/> (a UDP connect only looks up the route).</summary>
    private static IPAddress LocalAddressFor(IPAddress remote)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Connect(remote, 9);
        return ((IPEndPoint)udp.LocalEndPoint!).Address;
    }

    private static uint Address(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>A TCP header (with an MSS option on SYNs) and its checksum over the IPv4 pseudo-header; the kernel adds the IP header.</summary>
    internal static byte[] Segment(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, uint seq, uint ack, byte flags)
    {
        var syn = (flags & Syn) != 0;
        var segment = new byte[syn ? 24 : 20];
        var s = segment.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(s, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], ack);
        s[12] = (byte)((segment.Length / 4) << 4);
        s[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(s[14..], syn ? (ushort)64240 : (ushort)0);
        if (syn)
        {
            s[20] = 2;
            s[21] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(s[22..], 1460);
        }
        BinaryPrimitives.WriteUInt16BigEndian(s[16..], Checksum(source, destination, s));
        return segment;
    }

    internal static ushort Checksum(IPAddress source, IPAddress destination, ReadOnlySpan<byte> segment)
    {
        Span<byte> pseudo = stackalloc byte[12];
        source.TryWriteBytes(pseudo, out _);
        destination.TryWriteBytes(pseudo[4..], out _);
        pseudo[9] = 6;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)segment.Length);
        var sum = Sum(pseudo, 0);
        sum = Sum(segment, sum);
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }
        return sum;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _raw.Dispose();
        _stop.Dispose();
    }

    private sealed class Waiter(uint expectedAck)
    {
        public uint ExpectedAck { get; } = expectedAck;

        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
