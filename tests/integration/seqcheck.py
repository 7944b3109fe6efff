#!/usr/bin/env python3
"""Check udpgen's sequence numbers in a pcap file (Ethernet, IPv4, UDP).

Usage: seqcheck.py FILE PORT...
Each udpgen run sends sequence numbers 0, 1, 2, ... to one port. For each
PORT given, in that order, the records to it must carry strictly increasing
sequence numbers (no packet twice, none out of order), and all records to a
port must come after all records to the ports listed before it. Prints
"PORT COUNT FIRST LAST" per port; exits 1 with a reason on stderr otherwise.
"""
import struct
import sys


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit("%s: not a little-endian pcap file" % path)
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def main():
    path, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
    last = {}
    count = {p: 0 for p in ports}
    first = {}
    done = set()
    current = None
    for pkt in records(path):
        if len(pkt) < 14 + 20 + 8 + 4 or pkt[12:14] != b"\x08\x00":
            continue
        ihl = (pkt[14] & 0x0F) * 4
        udp = 14 + ihl
        if pkt[23] != 17:
            continue
        port = struct.unpack(">H", pkt[udp + 2:udp + 4])[0]
        if port not in count:
            continue
        seq = struct.unpack(">I", pkt[udp + 8:udp + 12])[0]
        if port != current:
            if port in done:
                sys.exit("port %d again after port %d began" % (port, current))
            if current is not None:
                done.add(current)
            current = port
        if port in last and seq <= last[port]:
            sys.exit("port %d: sequence %d after %d" % (port, seq, last[port]))
        first.setdefault(port, seq)
        last[port] = seq
        count[port] += 1
    order = [p for p in ports if count[p]]
    if sorted(order, key=ports.index) != order:
        sys.exit("ports out of order")
    for p in ports:
        print(p, count[p], first.get(p, -1), last.get(p, -1))


main()
