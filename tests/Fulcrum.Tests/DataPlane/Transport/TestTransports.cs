using Fulcrum.Appliance.DataPlane.Transport.SocketOptions;
using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.DataPlane.Transport.Epoll;
using Fulcrum.Appliance.DataPlane.Transport.Sockets;
using Fulcrum.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulcrum.Tests.DataPlane.Transport;

/// <summary>Both transports, for tests that must hold on each; and a plain socket connected to one of their accepts.</summary>
public static class TestTransports
{
    public static readonly TheoryData<string> Names = new() { "epoll", "sockets" };

    private static readonly Lazy<ITransport> Epoll = new(() => new EpollTransport(2, NullLogger.Instance));
    private static readonly Lazy<ITransport> Sockets = new(() => new SocketsTransport(NullLogger.Instance));

    public static ITransport Get(string name) => name == "epoll" ? Epoll.Value : Sockets.Value;

    /// <summary>A plain client socket and the transport's socket for the same connection (accepted by the transport).</summary>
    public static async Task<(Socket Peer, TransportSocket Accepted)> AcceptedPairAsync(string name)
    {
        var transport = Get(name);
        var port = FreePort.Next();
        var accepted = new TaskCompletionSource<TransportSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (transport.Listen(new IPEndPoint(IPAddress.Loopback, port), new ListenOptions(TcpSocketOptions.Default), s => accepted.TrySetResult(s)))
        {
            var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await peer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var socket = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return (peer, socket);
        }
    }

    /// <summary>A plain listening socket, and the transport's socket connected to it (the server side of a proxy).</summary>
    public static async Task<(Socket Peer, TransportSocket Connected)> ConnectedPairAsync(string name)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var connect = Get(name).ConnectAsync((IPEndPoint)listener.LocalEndPoint!, SourceBind.None, 5000, TcpSocketOptions.Default).AsTask();
        var peer = await listener.AcceptAsync();
        return (peer, await connect);
    }
}
