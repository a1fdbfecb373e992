#!/usr/bin/env python3
"""check_png.py - is a screenshot a real picture? Reads a PNG with the
standard library only (zlib + the PNG filters), and fails unless it has
the expected width, is not blank (enough non-white pixels) and shows
colour (the charts and the topology are drawn in colour, so a page of
only text and notes fails).

usage: check_png.py FILE.png WIDTH
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, colour type %d)" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    path, want_w = sys.argv[1], int(sys.argv[2])
    w, h, bpp, rows = read_png(path)
    inked = coloured = total = 0
    for line in rows[::4]:
        for x in range(0, w * bpp, bpp * 4):
            r, g, b = line[x], line[x + 1], line[x + 2]
            total += 1
            if min(r, g, b) < 235:
                inked += 1
            if max(r, g, b) - min(r, g, b) > 40:
                coloured += 1
    print("%s: %dx%d, %.1f%% inked, %.1f%% coloured"
          % (path, w, h, 100.0 * inked / total, 100.0 * coloured / total))
    if w != want_w:
        sys.exit("%s: width %d, expected %d" % (path, w, want_w))
    if inked < total * 0.005:
        sys.exit("%s: blank screenshot" % path)
    if coloured < total * 0.001:
        sys.exit("%s: no coloured pictures in the screenshot" % path)


if __name__ == "__main__":
    main()
