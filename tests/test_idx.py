"""The IDX reader returns exactly what was written and refuses every damaged file."""

import gzip

import numpy as np
import pytest

from course_utils.data.idx import IdxFormatError, encode_idx, read_idx, write_idx


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("filename", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_returns_identical_uint8_images(tmp_path, images, filename):
    path = write_idx(tmp_path / filename, images)
    back = read_idx(path)
    assert back.dtype == np.uint8
    assert back.shape == images.shape
    np.testing.assert_array_equal(back, images)


def test_gz_suffix_writes_gzip_and_plain_name_writes_raw(tmp_path, images):
    write_idx(tmp_path / "a.gz", images)
    write_idx(tmp_path / "a", images)
    assert (tmp_path / "a.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert (tmp_path / "a").read_bytes() == encode_idx(images)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip_of_other_dtypes_preserves_values_in_native_byte_order(tmp_path, dtype):
    rng = np.random.default_rng(1)
    array = (rng.standard_normal((3, 4, 5)) * 100).astype(dtype)
    back = read_idx(write_idx(tmp_path / "x.gz", array))
    assert back.dtype == np.dtype(dtype)
    assert back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_header_is_zero_zero_typecode_ndim_then_big_endian_sizes():
    data = encode_idx(np.arange(6, dtype=np.uint8).reshape(2, 3))
    assert data[:4] == bytes([0, 0, 0x08, 2])
    assert data[4:12] == bytes([0, 0, 0, 2, 0, 0, 0, 3])
    assert data[12:] == bytes(range(6))


def test_multi_byte_values_are_stored_big_endian():
    data = encode_idx(np.array([1, 256], dtype=np.int32))
    assert data[:4] == bytes([0, 0, 0x0C, 1])
    assert data[8:] == bytes([0, 0, 0, 1, 0, 0, 1, 0])


def test_reads_from_bytes_as_well_as_from_paths(images):
    np.testing.assert_array_equal(read_idx(encode_idx(images)), images)
    np.testing.assert_array_equal(read_idx(gzip.compress(encode_idx(images))), images)


def test_returned_array_is_writable_and_independent_of_the_input_bytes(images):
    back = read_idx(encode_idx(images))
    back[0, 0, 0] = 1  # would raise if it were a read-only view of the bytes
    assert back.flags.owndata


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_file_raises_with_file_name_and_expected_and_actual_lengths(tmp_path, images,
                                                                             compress):
    payload = encode_idx(images)[:-100]
    path = tmp_path / "cut.idx"
    path.write_bytes(gzip.compress(payload) if compress else payload)
    with pytest.raises(IdxFormatError, match="truncated") as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message
    assert f"{images.size:,}" in message
    assert f"{images.size - 100:,}" in message


def test_trailing_bytes_raise_rather_than_being_ignored(tmp_path, images):
    path = tmp_path / "long.idx"
    path.write_bytes(encode_idx(images) + b"\x00\x00\x00")
    with pytest.raises(IdxFormatError, match="trailing bytes") as info:
        read_idx(path)
    assert f"{images.size + 3:,}" in str(info.value)


def test_bad_magic_number_is_rejected(tmp_path, images):
    path = tmp_path / "bad.idx"
    path.write_bytes(b"PK" + encode_idx(images)[2:])
    with pytest.raises(IdxFormatError, match="not an IDX file"):
        read_idx(path)


def test_unknown_type_code_is_rejected(images):
    data = bytearray(encode_idx(images))
    data[2] = 0x0A
    with pytest.raises(IdxFormatError, match="unknown IDX type code 0x0A"):
        read_idx(bytes(data), name="weird")


def test_zero_dimensions_are_rejected():
    with pytest.raises(IdxFormatError, match="0 dimensions"):
        read_idx(bytes([0, 0, 8, 0]))


def test_header_cut_inside_the_sizes_is_rejected():
    with pytest.raises(IdxFormatError, match="truncated header"):
        read_idx(bytes([0, 0, 8, 3, 0, 0, 0, 5, 0, 0]))


@pytest.mark.parametrize("data", [b"", b"\x00\x00"])
def test_empty_or_tiny_file_is_rejected(data):
    with pytest.raises(IdxFormatError, match="too short"):
        read_idx(data)


def test_corrupted_gzip_data_raises_a_clear_error(tmp_path, images):
    compressed = bytearray(gzip.compress(encode_idx(images)))
    middle = len(compressed) // 2
    compressed[middle : middle + 16] = bytes(16)
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(compressed))
    with pytest.raises(IdxFormatError, match="gzip data is damaged") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_truncated_gzip_archive_raises_a_clear_error(tmp_path, images):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(encode_idx(images))[:-50])
    with pytest.raises(IdxFormatError, match="gzip data is damaged"):
        read_idx(path)


def test_writing_an_unsupported_dtype_is_refused_with_the_supported_list(tmp_path):
    with pytest.raises(TypeError, match="int64.*uint8"):
        write_idx(tmp_path / "labels.gz", np.arange(5, dtype=np.int64))
    assert list(tmp_path.iterdir()) == []


def test_write_leaves_only_the_final_file_behind(tmp_path, images):
    write_idx(tmp_path / "sub" / "images.gz", images)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["images.gz"]


def test_read_rejects_objects_that_are_neither_paths_nor_bytes():
    with pytest.raises(TypeError, match="path or bytes"):
        read_idx(12345)
