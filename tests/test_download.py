"""Downloads from a real HTTP server on 127.0.0.1: mirrors are tried in order, and only a
complete, verified file ever appears at the destination."""

import gzip
import hashlib
import os
import threading
import time
import warnings

import numpy as np
import pytest
from local_http import LocalServer, Route, forbid_internet

from course_utils.data import download as download_module
from course_utils.data.download import DownloadError, MirrorSkippedWarning, download_verified
from course_utils.data.idx import encode_idx, read_idx

FILENAME = "train-labels-idx1-ubyte.gz"


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    forbid_internet(monkeypatch)


@pytest.fixture
def server():
    running = LocalServer().start()
    yield running
    running.stop()


@pytest.fixture
def payload():
    """A small labels file: its decompressed bytes, checksum, size and gzip archive."""
    labels = np.random.default_rng(0).integers(0, 10, size=5000, dtype=np.uint8)
    raw = encode_idx(labels)
    return {
        "labels": labels,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
        "gz": gzip.compress(raw, mtime=0),
    }


def fetch(server, payload, dest, mirrors, **kwargs):
    return download_verified(
        FILENAME,
        [server.mirror(m) for m in mirrors],
        dest,
        payload["sha256"],
        payload["size"],
        progress=False,
        **kwargs,
    )


def test_first_mirror_404_then_second_mirror_succeeds(server, payload, tmp_path):
    server.serve("good", FILENAME, Route(payload["gz"]))
    with pytest.warns(MirrorSkippedWarning) as record:
        path = fetch(server, payload, tmp_path, ["missing", "good"])
    # the skipped mirror is named, with why, and which one is tried next
    (message,) = [str(w.message) for w in record if w.category is MirrorSkippedWarning]
    assert server.mirror("missing") + FILENAME in message and "HTTP 404" in message
    assert f"trying {server.mirror('good')}" in message
    assert server.requests == [f"/missing/{FILENAME}", f"/good/{FILENAME}"]
    assert path == tmp_path / FILENAME
    np.testing.assert_array_equal(read_idx(path), payload["labels"])
    assert [p.name for p in tmp_path.iterdir()] == [FILENAME]


def test_later_mirrors_are_not_contacted_once_one_succeeds(server, payload, tmp_path):
    server.serve("a", FILENAME, Route(payload["gz"]))
    server.serve("b", FILENAME, Route(payload["gz"]))
    fetch(server, payload, tmp_path, ["a", "b"])
    assert server.requests == [f"/a/{FILENAME}"]


def test_interrupted_transfer_leaves_nothing_behind_and_says_so(server, payload, tmp_path):
    server.serve("flaky", FILENAME, Route(payload["gz"], cut_after=len(payload["gz"]) // 2))
    with pytest.raises(DownloadError, match="cut short") as info:
        fetch(server, payload, tmp_path, ["flaky"])
    assert server.mirror("flaky") + FILENAME in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_transfer_falls_back_to_the_next_mirror(server, payload, tmp_path):
    server.serve("flaky", FILENAME, Route(payload["gz"], cut_after=100))
    server.serve("good", FILENAME, Route(payload["gz"]))
    with pytest.warns(MirrorSkippedWarning, match="cut short"):
        path = fetch(server, payload, tmp_path, ["flaky", "good"])
    np.testing.assert_array_equal(read_idx(path), payload["labels"])
    assert [p.name for p in tmp_path.iterdir()] == [FILENAME]


def test_mirror_serving_wrong_bytes_is_rejected_and_nothing_is_cached(server, payload, tmp_path):
    wrong = gzip.compress(encode_idx(np.zeros(5000, dtype=np.uint8)))
    server.serve("evil", FILENAME, Route(wrong))
    with pytest.raises(DownloadError, match="SHA-256") as info:
        fetch(server, payload, tmp_path, ["evil"])
    assert "wrong contents" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_mirror_serving_a_file_of_the_wrong_size_is_rejected(server, payload, tmp_path):
    server.serve("short", FILENAME, Route(gzip.compress(b"\x00\x00\x08\x01")))
    with pytest.raises(DownloadError, match="decompressed size is 4 bytes"):
        fetch(server, payload, tmp_path, ["short"])
    assert list(tmp_path.iterdir()) == []


def test_wrong_bytes_on_first_mirror_fall_back_to_a_correct_second(server, payload, tmp_path):
    server.serve("evil", FILENAME, Route(gzip.compress(encode_idx(np.ones(5000, np.uint8)))))
    server.serve("good", FILENAME, Route(payload["gz"]))
    with pytest.warns(MirrorSkippedWarning, match="wrong contents"):
        path = fetch(server, payload, tmp_path, ["evil", "good"])
    np.testing.assert_array_equal(read_idx(path), payload["labels"])


def test_a_recompressed_copy_with_the_same_payload_is_accepted(server, payload, tmp_path):
    recompressed = gzip.compress(encode_idx(payload["labels"]), compresslevel=1, mtime=12345)
    assert recompressed != payload["gz"]
    server.serve("repack", FILENAME, Route(recompressed))
    path = fetch(server, payload, tmp_path, ["repack"])
    assert path.read_bytes() == recompressed


def test_a_hanging_mirror_times_out_and_the_next_one_is_used(server, payload, tmp_path):
    server.serve("slow", FILENAME, Route(payload["gz"], hang=threading.Event()))
    server.serve("good", FILENAME, Route(payload["gz"]))
    with pytest.warns(MirrorSkippedWarning, match="timed out"):
        path = fetch(server, payload, tmp_path, ["slow", "good"], timeout=2.0)
    assert path.exists()
    assert server.requests == [f"/slow/{FILENAME}", f"/good/{FILENAME}"]


def test_when_every_mirror_fails_the_error_lists_each_mirror_and_its_failure(
    server, payload, tmp_path
):
    server.serve("flaky", FILENAME, Route(payload["gz"], cut_after=10))
    with pytest.raises(DownloadError) as info, pytest.warns(MirrorSkippedWarning):
        fetch(server, payload, tmp_path, ["missing", "flaky"])
    lines = str(info.value).splitlines()
    assert FILENAME in lines[0]
    assert server.mirror("missing") + FILENAME in lines[1] and "HTTP 404" in lines[1]
    assert server.mirror("flaky") + FILENAME in lines[2] and "cut short" in lines[2]
    assert list(tmp_path.iterdir()) == []


def test_unreachable_mirror_is_reported_as_a_connection_failure(payload, tmp_path):
    with pytest.raises(DownloadError, match="could not connect"):
        download_verified(FILENAME, ["http://127.0.0.1:9/"], tmp_path, payload["sha256"],
                          payload["size"], progress=False, timeout=2)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_a_download_removes_the_temporary_file_and_stops(
    server, payload, tmp_path, monkeypatch
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(download_module, "verify_payload", interrupted)
    server.serve("a", FILENAME, Route(payload["gz"]))
    server.serve("b", FILENAME, Route(payload["gz"]))
    with pytest.raises(KeyboardInterrupt):
        fetch(server, payload, tmp_path, ["a", "b"])
    assert server.requests == [f"/a/{FILENAME}"]  # no fallback after Ctrl+C
    assert list(tmp_path.iterdir()) == []


def test_a_failed_download_keeps_an_existing_file_untouched(server, payload, tmp_path):
    existing = tmp_path / FILENAME
    existing.write_bytes(b"previous contents")
    with pytest.raises(DownloadError):
        fetch(server, payload, tmp_path, ["missing"])
    assert existing.read_bytes() == b"previous contents"
    assert list(tmp_path.iterdir()) == [existing]


def test_mirrors_given_as_a_single_string_are_refused(payload, tmp_path):
    with pytest.raises(TypeError, match="list of base URLs"):
        download_verified(FILENAME, "http://127.0.0.1/", tmp_path, payload["sha256"],
                          payload["size"], progress=False)


def test_an_empty_mirror_list_is_refused(payload, tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        download_verified(FILENAME, [], tmp_path, payload["sha256"], payload["size"])


def test_downloaded_file_is_readable_by_other_users(server, payload, tmp_path):
    server.serve("good", FILENAME, Route(payload["gz"]))
    path = fetch(server, payload, tmp_path, ["good"])
    assert path.stat().st_mode & 0o044 == 0o044


def test_no_mirror_skipped_message_when_the_first_mirror_succeeds(server, payload, tmp_path):
    server.serve("good", FILENAME, Route(payload["gz"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", MirrorSkippedWarning)
        fetch(server, payload, tmp_path, ["good"])


def test_a_trickling_mirror_is_abandoned_at_the_deadline_and_the_next_one_used(
        server, payload, tmp_path):
    # 100 bytes every 0.1 s never trips the 5 s timeout between reads; only a deadline ends it
    server.serve("trickle", FILENAME, Route(payload["gz"], trickle=0.1))
    server.serve("good", FILENAME, Route(payload["gz"]))
    assert len(payload["gz"]) > 100 * 20  # the trickle would need more than 2 s
    with pytest.warns(MirrorSkippedWarning, match=r"deadline of 1 s"):
        path = fetch(server, payload, tmp_path, ["trickle", "good"], timeout=5, deadline=1)
    np.testing.assert_array_equal(read_idx(path), payload["labels"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME]


def test_a_body_announced_larger_than_the_file_can_be_is_refused_before_reading(
        server, payload, tmp_path):
    server.serve("huge", FILENAME, Route(payload["gz"] + bytes(50 << 20)))
    with pytest.raises(DownloadError, match=r"announced 52,4\d\d,\d{3} bytes.*at most"):
        fetch(server, payload, tmp_path, ["huge"])
    assert list(tmp_path.iterdir()) == []


def test_a_body_without_length_is_cut_off_once_it_exceeds_what_the_file_can_be(
        server, payload, tmp_path):
    server.serve("huge", FILENAME, Route(payload["gz"] + bytes(50 << 20), content_length=False))
    with pytest.raises(DownloadError, match=r"more than [\d,]+ bytes") as info:
        fetch(server, payload, tmp_path, ["huge"])
    limit = int(str(info.value).split("more than ")[1].split(" bytes")[0].replace(",", ""))
    assert limit < 2 * payload["size"] + 10_000  # stopped near the payload size, not at 50 MB
    assert list(tmp_path.iterdir()) == []


def test_a_body_without_length_of_the_right_size_is_accepted(server, payload, tmp_path):
    server.serve("plain", FILENAME, Route(payload["gz"], content_length=False))
    path = fetch(server, payload, tmp_path, ["plain"])
    np.testing.assert_array_equal(read_idx(path), payload["labels"])


def test_stale_part_files_of_a_killed_download_are_removed_but_a_live_one_is_kept(
        server, payload, tmp_path):
    stale = tmp_path / f".{FILENAME}.k1ll3d.part"
    live = tmp_path / f".{FILENAME}.wr1t1ng.part"  # another process, still downloading
    other = tmp_path / ".some-other-file.gz.x.part"  # not ours to judge
    for part in (stale, live, other):
        part.write_bytes(b"partial")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    server.serve("good", FILENAME, Route(payload["gz"]))
    fetch(server, payload, tmp_path, ["good"], deadline=60)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([FILENAME, live.name, other.name])


@pytest.mark.parametrize(("option", "value"), [("timeout", 0), ("deadline", -1.0),
                                               ("timeout", "30"), ("deadline", True)])
def test_timeout_and_deadline_must_be_positive_numbers_of_seconds(payload, tmp_path, option,
                                                                   value):
    with pytest.raises((TypeError, ValueError), match=f"{option} must be a positive number"):
        download_verified(FILENAME, ["http://127.0.0.1:9/"], tmp_path, payload["sha256"],
                          payload["size"], progress=False, **{option: value})
