#!/usr/bin/env python3
"""Opens many loopback connections to one address and holds them, for bench/rss.sh (RSS per connection).

Modes:
  http       each connection sends one GET, reads the whole response (Content-Length), then idles (keep-alive).
  tcp        the same exchange through an L4 virtual (the backend speaks HTTP): the pair carried data once, then idles.
  slowloris  each connection sends a partial request head, then one byte every --interval seconds, until the peer
             closes it (the header timeout) or --max-seconds pass.

It prints "READY <open> <failed>" once every connection is set up (slowloris: once all are connected and trickling),
then holds them until the file --release exists (or --max-seconds pass), closes them all, prints "DONE" and exits.
Slowloris prints "CLOSED-BY-PEER <n> AFTER <s>" when the peer has ended every connection, before waiting for the release.
Source addresses rotate over 127.0.0.1..127.0.0.<--sources> (IP_BIND_ADDRESS_NO_PORT), so ephemeral ports last.
"""
import argparse
import asyncio
import os
import socket
import sys
import time

IP_BIND_ADDRESS_NO_PORT = 24


def new_socket(i, sources):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
    except OSError:
        pass
    s.bind((f"127.0.0.{1 + i % sources}", 0))
    return s


async def read_response(loop, s):
    """Reads one response with a Content-Length body; returns False if the peer closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await loop.sock_recv(s, 4096)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = await loop.sock_recv(s, 4096)
        if not chunk:
            return False
        body += chunk
    return True


async def open_one(loop, i, args, held):
    s = new_socket(i, args.sources)
    try:
        await asyncio.wait_for(loop.sock_connect(s, (args.host, args.port)), 10)
        if args.mode in ("http", "tcp"):
            await loop.sock_sendall(s, b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: rss-bench\r\n\r\n")
            if not await asyncio.wait_for(read_response(loop, s), 10):
                raise ConnectionError("closed before the response")
        else:
            await loop.sock_sendall(s, b"GET / HTTP/1.1\r\nHost: bench\r\nX-Slow: ")
        held.append(s)
        return True
    except (OSError, asyncio.TimeoutError, ConnectionError):
        s.close()
        return False


async def trickle(loop, s, interval, deadline):
    """One byte every interval seconds until the peer closes (True) or the deadline passes (False)."""
    while time.monotonic() < deadline:
        await asyncio.sleep(interval)
        try:
            await loop.sock_sendall(s, b"a")
        except OSError:
            return True
        # A closed peer shows up as a readable EOF (or a reset) before a send fails.
        try:
            chunk = s.recv(4096)
            if chunk == b"" or chunk.startswith(b"HTTP/"):
                return True
        except BlockingIOError:
            pass
        except OSError:
            return True
    return False


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["http", "tcp", "slowloris"])
    p.add_argument("address", help="host:port")
    p.add_argument("count", type=int)
    p.add_argument("--release", required=True, help="a file whose existence means: close everything and exit")
    p.add_argument("--concurrency", type=int, default=200, help="connections being set up at once")
    p.add_argument("--sources", type=int, default=8, help="how many 127.0.0.x source addresses to rotate over")
    p.add_argument("--interval", type=float, default=1.0, help="slowloris: seconds between bytes")
    p.add_argument("--max-seconds", type=float, default=240, help="give up holding after this long")
    args = p.parse_args()
    host, _, port = args.address.rpartition(":")
    args.host, args.port = host, int(port)
    loop = asyncio.get_running_loop()
    start = time.monotonic()
    deadline = start + args.max_seconds
    held = []
    gate = asyncio.Semaphore(args.concurrency)

    async def guarded(i):
        async with gate:
            return await open_one(loop, i, args, held)

    results = await asyncio.gather(*(guarded(i) for i in range(args.count)))
    failed = results.count(False)
    print(f"READY {len(held)} {failed} {time.monotonic() - start:.1f}s", flush=True)
    if args.mode == "slowloris":
        closed = await asyncio.gather(*(trickle(loop, s, args.interval, deadline) for s in held))
        print(f"CLOSED-BY-PEER {closed.count(True)} AFTER {time.monotonic() - start:.1f}s", flush=True)
    while not os.path.exists(args.release) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    for s in held:
        s.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
