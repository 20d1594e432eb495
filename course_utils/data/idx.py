"""Reading and writing IDX files, the format MNIST and Fashion-MNIST are published in.

The IDX format
--------------
An IDX file is a tiny header followed by the raw numbers of one n-dimensional
array. Take ``train-images-idx3-ubyte`` from MNIST, 60,000 images of 28x28 pixels::

    offset  bytes  value        meaning
    0       2      0x00 0x00    always zero: a quick "is this an IDX file?" test
    2       1      0x08         type code of the numbers: 0x08 = unsigned byte (uint8)
    3       1      0x03         number of dimensions (the "3" in "idx3")
    4       4      60000        size of dimension 0: number of images
    8       4      28           size of dimension 1: rows
    12      4      28           size of dimension 2: columns
    16      ...    pixels       60000 * 28 * 28 = 47,040,000 bytes

The first four bytes together are called the *magic number* (here ``0x00000803``).
Every integer in the header is a 4-byte *big-endian* signed integer (most
significant byte first, as on the Motorola processors of the 1990s), so 60000 is
stored as ``00 00 EA 60``. After the header come the values in C order (the last
index changes fastest): all 28 pixels of row 0 of image 0, then row 1, and so on.
The labels file ``train-labels-idx1-ubyte`` is the same with one dimension: magic
``0x00000801``, one size (60000), then one byte per label.

Type codes (multi-byte values are big-endian too):

    ====  =========  ==========================
    code  NumPy      meaning
    ====  =========  ==========================
    0x08  uint8      unsigned byte
    0x09  int8       signed byte
    0x0B  >i2        16-bit signed integer
    0x0C  >i4        32-bit signed integer
    0x0D  >f4        32-bit float
    0x0E  >f8        64-bit float
    ====  =========  ==========================

Nothing in the file says how long it should be except the header, so a reader
must check that the payload holds *exactly* ``product(sizes) * itemsize`` bytes:
a download cut short would otherwise yield images whose last rows are missing,
and extra bytes mean the header and the data disagree. :func:`read_idx` checks
this and raises :class:`IdxFormatError` rather than return garbage.

The published files are gzip-compressed (``.gz``); :func:`read_idx` recognises
gzip data by its own magic bytes (``1f 8b``) and decompresses it first.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

from course_utils.i18n import tr

#: IDX type code -> NumPy dtype of the stored (big-endian) values.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

GZIP_MAGIC = b"\x1f\x8b"
_HEADER_START = 4  # two zero bytes, the type code, the number of dimensions


class IdxFormatError(ValueError):
    """A file is not a valid IDX file (bad header, wrong length, damaged compression)."""


def read_idx(source: str | os.PathLike | bytes, *, name: str | None = None) -> np.ndarray:
    """Read one IDX file (gzip-compressed or not) into a NumPy array.

    Args:
        source: a path to an IDX file (``.gz`` or raw), or its contents as bytes.
        name: how to refer to the data in error messages (default: the path, or
            ``"<bytes>"``).

    Returns:
        An array with the shape the header declares, in native byte order, e.g.
        ``(60000, 28, 28)`` uint8 for MNIST training images and ``(60000,)`` uint8
        for its labels.

    Raises:
        IdxFormatError: bad magic number, unknown type code, no dimensions, a
            payload shorter or longer than the header says, or damaged gzip data.
        FileNotFoundError: ``source`` is a path that does not exist.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        label = name or "<bytes>"
    elif isinstance(source, (str, os.PathLike)):
        label = name or str(source)
        raw = Path(source).read_bytes()
    else:
        raise TypeError(
            tr("read_idx expects a file path or bytes, got {kind}.", kind=type(source).__name__)
        )
    return parse_idx(decompress(raw, name=label), name=label)


def parse_idx(payload: bytes, *, name: str = "<bytes>") -> np.ndarray:
    """Parse the decompressed bytes of an IDX file (see the module docstring)."""
    if len(payload) < _HEADER_START:
        raise IdxFormatError(
            tr("{name}: {size} bytes is too short for an IDX file (the header alone has at least "
               "8 bytes). The file is empty or truncated; download it again.",
               name=name, size=len(payload))
        )
    zero0, zero1, type_code, ndim = payload[:_HEADER_START]
    if zero0 != 0 or zero1 != 0:
        raise IdxFormatError(
            tr("{name}: not an IDX file: it starts with bytes {start}, but an IDX file starts "
               "with two zero bytes (magic number 0x0000TTNN). If it is a compressed file in "
               "another format (zip, xz), decompress it first.",
               name=name, start=payload[:4].hex(' '))
        )
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_DTYPES)
        raise IdxFormatError(
            tr("{name}: unknown IDX type code 0x{code:02X} (known codes: {known}). The file is "
               "corrupt or not an IDX file.", name=name, code=type_code, known=known)
        )
    if ndim == 0:
        raise IdxFormatError(tr("{name}: the IDX header declares 0 dimensions; the file is "
                                "corrupt.", name=name))
    header_size = _HEADER_START + 4 * ndim
    if len(payload) < header_size:
        raise IdxFormatError(
            tr("{name}: truncated header: {ndim} dimensions need a {header_size}-byte header, but "
               "the file has only {size} bytes.",
               name=name, ndim=ndim, header_size=header_size, size=len(payload))
        )
    shape = struct.unpack(f">{ndim}i", payload[_HEADER_START:header_size])
    if any(size < 0 for size in shape):
        raise IdxFormatError(tr("{name}: the header declares negative sizes {shape}; corrupt file.",
                                name=name, shape=shape))
    dtype = IDX_DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    actual = len(payload) - header_size
    if actual != expected:
        fields = {"name": name, "shape": shape, "dtype": dtype.name, "expected": expected,
                  "header_size": header_size, "actual": actual}
        raise IdxFormatError(
            tr("{name}: truncated: the header declares shape {shape} of {dtype} ({expected:,} "
               "bytes of data after the {header_size}-byte header), but {actual:,} bytes "
               "follow it. Download the file again.", **fields)
            if actual < expected else
            tr("{name}: has trailing bytes: the header declares shape {shape} of {dtype} "
               "({expected:,} bytes of data after the {header_size}-byte header), but "
               "{actual:,} bytes follow it. Download the file again.", **fields)
        )
    values = np.frombuffer(payload, dtype=dtype, offset=header_size).reshape(shape)
    # A writable array in native byte order, independent of the bytes it came from.
    return values.astype(dtype.newbyteorder("="), copy=True)


def encode_idx(array: np.ndarray) -> bytes:
    """The uncompressed IDX bytes of ``array`` (header + big-endian values in C order)."""
    array = np.asarray(array)
    big_endian = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in big_endian:
        supported = ", ".join(sorted({d.newbyteorder("=").name for d in IDX_DTYPES.values()}))
        raise TypeError(
            tr("IDX cannot store dtype {dtype}; supported dtypes: {supported}. Convert first, "
               "e.g. array.astype(np.uint8).", dtype=array.dtype, supported=supported)
        )
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(tr("IDX stores arrays with 1 to 255 dimensions, got {ndim}.",
                            ndim=array.ndim))
    if any(size > 2**31 - 1 for size in array.shape):
        raise ValueError(tr("IDX sizes are 32-bit signed integers; shape {shape} is too big.",
                            shape=array.shape))
    code = big_endian[native]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    values = np.ascontiguousarray(array, dtype=IDX_DTYPES[code])
    return header + values.tobytes(order="C")


def write_idx(path: str | os.PathLike, array: np.ndarray, *, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file, atomically (a temporary file renamed into place).

    Args:
        path: destination; missing parent directories are created.
        array: any array of a dtype listed in the module docstring, 1 to 255 dimensions.
        compress: gzip the file; default: when ``path`` ends in ``.gz``.

    Returns:
        ``path`` as a :class:`pathlib.Path`.
    """
    path = Path(path)
    data = encode_idx(array)
    if compress is None:
        compress = path.suffix == ".gz"
    if compress:
        data = gzip.compress(data, mtime=0)
    write_bytes_atomically(path, data)
    return path


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
        os.chmod(tmp_name, 0o644)  # mkstemp creates files readable by their owner only
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def decompress(raw: bytes, *, name: str = "<bytes>") -> bytes:
    """``raw`` gunzipped if it is gzip data (starts with ``1f 8b``), else unchanged.

    Raises:
        IdxFormatError: the gzip data is truncated or corrupt.
    """
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise IdxFormatError(
            tr("{name}: the gzip data is damaged ({reason}); the file is truncated or corrupt. "
               "Download it again.", name=name, reason=err)
        ) from err
