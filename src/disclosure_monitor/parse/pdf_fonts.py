"""The one font pdfium may use for a CJK font that a PDF names but does not embed.

Why: pdfium sizes every text object by its glyphs' outline boxes, and its text page drops
an object narrower than 0.01 pt (cpdf_textpage.cpp, ProcessTextObject). For a CJK font the
PDF does not embed (common in real reports, and in the simulator's: STSong-Light) pdfium
borrows one of the machine's fonts: Noto CJK on a desktop, nothing in the slim container,
where pdfium's built-in Latin fonts have no CJK glyph, every CJK glyph measures empty, and
a text object of a single CJK character (the "告" a wrapped title leaves on its own line)
vanished from the text. What we read thus depended on the fonts installed, and loading a
26 MB Noto file cost ~30 ms a PDF.

So pdfium is given this font instead of the machine's, for CJK requests only: two glyphs,
an em-high box a full em wide and one half an em wide (ASCII), built here in ~1 KB.
Advances still come from the PDF's own widths; only glyph boxes (character boxes, object
extents) come from this font, the same on every machine. Other fonts a PDF does not embed
get nothing from us, so pdfium uses the Latin fonts built into it, as on a machine without
fonts.
"""

from __future__ import annotations

import ctypes
import struct
from functools import cache
from types import ModuleType

# Windows charset numbers pdfium asks for: Shift-JIS, Hangul, GB2312, Big5.
CJK_CHARSETS = frozenset({128, 129, 134, 136})
_FACE_NAME = b"DisclosureMonitorBoxes\0"
_ASCENT, _DESCENT = 880, -120  # font units of a 1000-unit em
_installed: list[ctypes.Structure] = []


def _box_glyph(width: int) -> bytes:
    """A TrueType glyph: one closed contour, the rectangle width × em from the descent."""
    corners = [(0, _DESCENT), (width, _DESCENT), (width, _ASCENT), (0, _ASCENT)]
    deltas = [(x - px, y - py) for (x, y), (px, py) in zip(corners, [(0, 0)] + corners[:-1])]
    glyph = struct.pack(">hhhhhHH", 1, 0, _DESCENT, width, _ASCENT, len(corners) - 1, 0)
    glyph += bytes([1] * len(corners))  # flags: every point on the curve, coordinates as int16
    glyph += b"".join(struct.pack(">h", dx) for dx, _ in deltas)
    glyph += b"".join(struct.pack(">h", dy) for _, dy in deltas)
    return glyph + b"\0" * (-len(glyph) % 4)


def box_font() -> bytes:
    """The TrueType font: glyph 0 empty (.notdef), 1 a full-width box, 2 a half-width one.

    Its cmap (format 13, many code points to one glyph) sends ASCII to glyph 2 and every
    other code point to glyph 1.
    """
    full, half = _box_glyph(1000), _box_glyph(500)
    groups = [(0x20, 0x7E, 2), (0x7F, 0x10FFFF, 1)]
    cmap_table = struct.pack(">HHIII", 13, 0, 16 + 12 * len(groups), 0, len(groups))
    cmap_table += b"".join(struct.pack(">III", *group) for group in groups)
    tables = {
        b"cmap": struct.pack(">HHHHIHHI", 0, 2, 3, 1, 20, 3, 10, 20) + cmap_table,
        b"glyf": full + half,
        # version, revision, checksum adjustment, magic, flags, units per em, created,
        # modified, bounding box, style, smallest size, direction hint, short loca, glyf format
        b"head": struct.pack(">IIIIHHqqhhhhHHhhh", 0x10000, 0x10000, 0, 0x5F0F3CF5, 0x000B, 1000,
                             0, 0, 0, _DESCENT, 1000, _ASCENT, 0, 8, 2, 0, 0),
        # ascent, descent, gap, widest advance, min side bearings, max extent, caret, 3 metrics
        b"hhea": struct.pack(">I16h", 0x10000, _ASCENT, _DESCENT, 0, 1000, 0, 0, 1000, 1, 0, 0,
                             0, 0, 0, 0, 0, 3),
        b"hmtx": struct.pack(">HhHhHh", 1000, 0, 1000, 0, 500, 0),  # advance, left bearing
        b"loca": struct.pack(">HHHH", 0, 0, len(full) // 2, (len(full) + len(half)) // 2),
        # 3 glyphs, at most 4 points and 1 contour each, 2 zones, nothing else
        b"maxp": struct.pack(">IH13H", 0x10000, 3, 4, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0),
        b"post": struct.pack(">IIhhIIIII", 0x30000, 0, -100, 50, 1, 0, 0, 0, 0),
    }
    directory = struct.pack(">IHHHH", 0x10000, len(tables), 128, 3, len(tables) * 16 - 128)
    offset = len(directory) + 16 * len(tables)
    body = b""
    for tag, data in sorted(tables.items()):
        padded = data + b"\0" * (-len(data) % 4)
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
        directory += struct.pack(">4sIII", tag, checksum, offset + len(body), len(data))
        body += padded
    return directory + body


def _font_info(raw: ModuleType) -> ctypes.Structure:
    """pdfium's FPDF_SYSFONTINFO: the box font for CJK requests, nothing for the rest.

    A font handle is the charset asked for, so the font reports it back.
    """
    data = box_font()

    def map_font(_this, _weight, _italic, charset, _pitch, _face, _exact):  # type: ignore[no-untyped-def]
        return charset if charset in CJK_CHARSETS else None

    def copy_out(source: bytes, buffer, size: int) -> int:  # type: ignore[no-untyped-def]
        if buffer and size >= len(source):
            ctypes.memmove(buffer, source, len(source))
        return len(source)

    info = raw.FPDF_SYSFONTINFO()
    info.version = 1
    kind = {name: kind for name, kind in raw.FPDF_SYSFONTINFO._fields_}
    callbacks = {
        "Release": lambda _this: None,
        "EnumFonts": lambda _this, _mapper: None,
        "MapFont": map_font,
        "GetFont": lambda _this, _face: None,
        # table 0 is the whole file; no single tables (pdfium asks for 'ttcf' first)
        "GetFontData": lambda _this, _font, table, buffer, size: 0 if table else copy_out(data, buffer, size),
        "GetFaceName": lambda _this, _font, buffer, size: copy_out(_FACE_NAME, buffer, size),
        "GetFontCharset": lambda _this, font: font or 0,
        "DeleteFont": lambda _this, _font: None,
    }
    for name, function in callbacks.items():
        setattr(info, name, kind[name](function))  # the struct keeps the ctypes callbacks alive
    return info


@cache
def pdfium() -> ModuleType:
    """pypdfium2, with the box font as pdfium's only system font: done once a process,
    before the first PDF is read."""
    import pypdfium2
    from pypdfium2 import raw

    info = _font_info(raw)
    raw.FPDF_SetSystemFontInfo(ctypes.byref(info))
    _installed.append(info)  # pdfium keeps the pointer for the life of the process
    return pypdfium2
