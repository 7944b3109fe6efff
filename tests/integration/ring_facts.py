#!/usr/bin/python3
"""Three kernel facts about packet rings that nscap's design rests on, for
t_kernel_rings.sh. Prints "setup_ms=A,B,C idle_loc=N ring_loc=M
clear_ms_per_mib=X": how long PACKET_RX_RING took for a one-block TPACKET_V3
ring, three times; the local timer interrupts a second of the whole
machine, over two seconds, without, then with, such a ring (1 ms block
timeout) open and no packet coming; and the CPU time of the setting-up
thread a MiB of a 64 MiB ring (its pages cleared then).

Run inside an empty namespace of the test's own: the socket (ETH_P_ALL,
not bound to one interface) would see every interface's packets, and there
are none.
"""
import socket
import struct
import time

SOL_PACKET, PACKET_VERSION, PACKET_RX_RING, TPACKET_V3 = 263, 10, 5, 2
ETH_P_ALL = 3


def loc():
    with open("/proc/interrupts") as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] == "LOC:":
                return sum(int(x) for x in fields[1:] if x.isdigit())
    return 0


def ring(tov_ms):
    """A socket with a one-block (4 KiB) V3 ring, and ms its setup took."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VERSION, TPACKET_V3)
    start = time.monotonic()
    # tpacket_req3: block size, blocks, frame size, frames, retire timeout
    # (ms), private bytes per block, features
    s.setsockopt(SOL_PACKET, PACKET_RX_RING,
                 struct.pack("7I", 4096, 1, 4096, 1, tov_ms, 0, 0))
    return s, (time.monotonic() - start) * 1000


def clear_cost(mib=64):
    """CPU ms a MiB that the calling thread spent setting up a mib MiB ring
    of 256 KiB blocks (libpcap's), the kernel's share included."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VERSION, TPACKET_V3)
    blocks = mib * 4
    start = time.thread_time()
    s.setsockopt(SOL_PACKET, PACKET_RX_RING,
                 struct.pack("7I", 1 << 18, blocks, 1 << 18, blocks, 1000,
                             0, 0))
    cpu = (time.thread_time() - start) * 1000
    s.close()
    return cpu / mib


def per_second(seconds=2):
    before = loc()
    time.sleep(seconds)
    return (loc() - before) // seconds


setup = []
for _ in range(3):
    sock, ms = ring(1)
    setup.append(ms)
    sock.close()
idle = per_second()
sock, _ = ring(1)
with_ring = per_second()
sock.close()
print("setup_ms=%s idle_loc=%d ring_loc=%d clear_ms_per_mib=%.3f" % (
    ",".join("%.2f" % m for m in setup), idle, with_ring, clear_cost()))
