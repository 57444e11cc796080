"""A PDF written to a file object by object, so that a book of any length is put together in
the memory of one part of it.

`PdfWriter` keeps only where each object went. `Copier` writes the objects of one source PDF
that are reachable from what it is asked to copy, numbered anew in the output; the source can
be closed once they are written. Objects other than streams are packed into compressed object
streams and the cross-reference table is a stream too, as qpdf writes with
`object_stream_mode=generate`. The file identifier is a digest of the bytes written, so the
same objects give the same file.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from typing import BinaryIO, Callable

import pikepdf
from pikepdf import Dictionary, Name

OBJECTS_PER_STREAM = 100

# In an unparsed object: a literal string (qpdf escapes every parenthesis in one), a hex
# string, or an indirect reference, which is the only thing renumbered.
_TOKENS = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![^\s\[])(\d+) (\d+) R", re.S)


class PdfWriter:
    """Objects written in any order under numbers handed out by `reserve`; `finish` writes the
    cross-reference stream and the trailer."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._digest = hashlib.md5()
        self._offset = 0
        # per object number: 1 = at an offset in the file, 2 = in an object stream
        self._kinds = array("B", [0])
        self._places = array("Q", [0])
        self._indices = array("H", [0])
        self._packed: list[tuple[int, bytes]] = []
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        self._kinds.append(0)
        self._places.append(0)
        self._indices.append(0)
        return len(self._kinds) - 1

    def add(self, number: int, body: bytes) -> None:
        """An object other than a stream, given as written."""
        self._packed.append((number, body))
        if len(self._packed) == OBJECTS_PER_STREAM:
            self._pack()

    def add_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """A stream: its dictionary as written, without /Length, and its data as stored."""
        self._place(number)
        self._emit(b"%d 0 obj\n%s\nstream\n" % (number, dictionary[:-2] + b"/Length %d>>"
                                                  % len(data)))
        self._emit(data)
        self._emit(b"\nendstream\nendobj\n")

    def finish(self, root: int, info: int | None) -> None:
        self._pack()
        missing = [n for n in range(1, len(self._kinds)) if self._kinds[n] == 0]
        if missing:
            raise ValueError(f"objects reserved but never written: {missing[:5]}")
        number = self.reserve()
        self._kinds[number], self._places[number] = 1, self._offset
        rows = bytearray()
        for n in range(len(self._kinds)):
            if n == 0:
                rows += b"\x00" + bytes(4) + b"\xff\xff"
            else:
                rows += (bytes([self._kinds[n]]) + self._places[n].to_bytes(4, "big")
                         + self._indices[n].to_bytes(2, "big"))
        identifier = self._digest.hexdigest().encode()
        data = zlib.compress(bytes(rows))
        trailer = (b"<</Type/XRef/Size %d/W[1 4 2]/Root %d 0 R%s/ID[<%s><%s>]"
                   b"/Filter/FlateDecode/Length %d>>"
                   % (len(self._kinds), root, b"" if info is None else b"/Info %d 0 R" % info,
                      identifier, identifier, len(data)))
        start = self._offset
        self._emit(b"%d 0 obj\n%s\nstream\n" % (number, trailer))
        self._emit(data)
        self._emit(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)

    def _pack(self) -> None:
        if not self._packed:
            return
        number = self.reserve()
        header, bodies, offset = [], [], 0
        for index, (member, body) in enumerate(self._packed):
            self._kinds[member], self._places[member], self._indices[member] = 2, number, index
            header.append(b"%d %d" % (member, offset))
            bodies.append(body)
            offset += len(body) + 1
        first = b" ".join(header) + b"\n"
        data = zlib.compress(first + b"\n".join(bodies) + b"\n")
        self._packed = []
        self.add_stream(number, b"<</Type/ObjStm/N %d/First %d/Filter/FlateDecode>>"
                        % (len(header), len(first)), data)

    def _place(self, number: int) -> None:
        self._kinds[number], self._places[number] = 1, self._offset

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._offset += len(data)


Substitute = Callable[[pikepdf.Object], "int | bytes | None"]


class Copier:
    """Copies objects of one source PDF into a `PdfWriter`, each once, with every object they
    refer to. `substitute` may answer for an object met by reference: an object number to
    refer to instead (written elsewhere), or the bytes to write in place of the reference;
    None copies it."""

    def __init__(self, writer: PdfWriter, source: pikepdf.Pdf,
                 substitute: Substitute = lambda obj: None) -> None:
        self.writer = writer
        self.source = source
        self.substitute = substitute
        self._numbers: dict[tuple[int, int], bytes] = {}
        self._pending: list[tuple[int, pikepdf.Object]] = []

    def number(self, obj: pikepdf.Object, number: int | None = None) -> int:
        """The output number of an indirect object of the source, written by `flush` (or
        `number`, already reserved: the object is written under it)."""
        written = self._reference(obj.objgen, obj, number)
        return int(written.split()[0])

    def reference_or_value(self, obj: object) -> bytes:
        """How `obj` is written where it is used: by reference if the source has it so."""
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            return self._reference(obj.objgen, obj, None)
        return self.encode(obj)

    def assign(self, obj: pikepdf.Object, number: int) -> None:
        """Refer to `obj` as `number` without copying it (it is written by the caller)."""
        self._numbers[obj.objgen] = b"%d 0 R" % number

    def write(self, number: int, obj: pikepdf.Object) -> None:
        """Write `obj` (direct or not) as object `number`, and what it refers to on `flush`."""
        if isinstance(obj, pikepdf.Stream):
            self._write_stream(number, obj)
        else:
            self.writer.add(number, self.encode(obj))

    def encode(self, obj: object) -> bytes:
        """A direct object as written in the output, references renumbered."""
        if isinstance(obj, pikepdf.Object):
            return _TOKENS.sub(self._renumber, obj.unparse(resolved=True))
        return pikepdf.Object.unparse(pikepdf.Array([obj]))[1:-1]

    def flush(self) -> None:
        while self._pending:
            number, obj = self._pending.pop()
            self.write(number, obj)

    def _renumber(self, match: re.Match) -> bytes:
        if match.group(1) is None:
            return match.group()
        objgen = int(match.group(1)), int(match.group(2))
        return self._reference(objgen, None, None)

    def _reference(self, objgen: tuple[int, int], obj: pikepdf.Object | None,
                   number: int | None) -> bytes:
        if (written := self._numbers.get(objgen)) is not None:
            return written
        if obj is None:
            obj = self.source.get_object(objgen)
        instead = None if number is not None else self.substitute(obj)
        if isinstance(instead, bytes):
            written = instead
        elif instead is not None:
            written = b"%d 0 R" % instead
        else:
            number = number if number is not None else self.writer.reserve()
            self._pending.append((number, obj))
            written = b"%d 0 R" % number
        self._numbers[objgen] = written
        return written

    def _write_stream(self, number: int, stream: pikepdf.Stream) -> None:
        dictionary = Dictionary(stream.stream_dict)
        data = stream.read_raw_bytes()
        if "/Length" in dictionary:
            del dictionary["/Length"]
        if "/Filter" not in dictionary:
            data = zlib.compress(data)
            dictionary.Filter = Name.FlateDecode
        self.writer.add_stream(number, self.encode(dictionary), data)
