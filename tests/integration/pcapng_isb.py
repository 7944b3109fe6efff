#!/usr/bin/env python3
"""Print the Interface Statistics Blocks of a pcapng file, one line each:
interface id, then option=value for isb_filteraccept (6), isb_osdrop (7)
and isb_usrdeliv (8). An independent reader of what nscap's writer puts
there, for the integration tests (tshark shows no ISB counters)."""
import struct
import sys

NAMES = {6: "filteraccept", 7: "osdrop", 8: "usrdeliv"}


def main(path):
    data = open(path, "rb").read()
    pos, endian = 0, "<"
    while pos + 12 <= len(data):
        btype, blen = struct.unpack_from(endian + "II", data, pos)
        if btype == 0x0A0D0D0A:  # section header: byte order
            magic = data[pos + 8:pos + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            btype, blen = struct.unpack_from(endian + "II", data, pos)
        if blen < 12 or pos + blen > len(data):
            sys.exit("%s: bad block at %d" % (path, pos))
        if btype == 5:
            (ifid,) = struct.unpack_from(endian + "I", data, pos + 8)
            opt, fields = pos + 20, []
            while opt + 4 <= pos + blen - 4:
                code, olen = struct.unpack_from(endian + "HH", data, opt)
                if code == 0:
                    break
                if code in NAMES and olen == 8:
                    (v,) = struct.unpack_from(endian + "Q", data, opt + 4)
                    fields.append("%s=%d" % (NAMES[code], v))
                opt += 4 + ((olen + 3) & ~3)
            print(ifid, " ".join(fields))
        pos += blen


if __name__ == "__main__":
    main(sys.argv[1])
