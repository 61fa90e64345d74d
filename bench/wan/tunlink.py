#!/usr/bin/env python3
"""A WAN link between two TUN devices: one-way delay and random loss (this kernel has no netem).

Creates tun devices A and B in the current network namespace, prints READY, then forwards IP packets between them:
each packet waits --delay-ms (one way) and is dropped with probability --loss. run.sh moves A and B into the client
and proxy namespaces (the open descriptors keep working) and puts tc tbf on them for the rate.
"""
import argparse, fcntl, heapq, os, random, select, struct, sys, time

TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a", default="tcpwA")
    p.add_argument("--b", default="tcpwB")
    p.add_argument("--delay-ms", type=float, default=25.0)
    p.add_argument("--loss", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = random.Random(args.seed)
    a, b = open_tun(args.a), open_tun(args.b)
    other = {a: b, b: a}
    delay = args.delay_ms / 1000.0
    queue = []  # (due, seq, fd, packet): per direction FIFO since the delay is constant
    seq = 0
    print("READY", flush=True)
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 1.0
        ready, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for fd in ready:
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if args.loss > 0 and rng.random() < args.loss:
                    continue
                seq += 1
                heapq.heappush(queue, (now + delay, seq, other[fd], packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, fd, packet = heapq.heappop(queue)
            try:
                os.write(fd, packet)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
