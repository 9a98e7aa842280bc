"""Benchmark: how often non-Chinese bytes pass as GB18030, before (0.1.0's rule) and after.

Run from the repository root::

    .venv/bin/python benchmarks/encodings.py [path/to/gov-work-reports-1954-2017] [--samples 400]

Generated samples, each at 20, 80, 300 and 1,500 characters:

- ``big5``: passages of the government work reports encoded as Big5 (characters
  Big5 lacks dropped), i.e. Chinese text in the wrong encoding;
- ``shift_jis``: Japanese-like text (words of the reports joined by kana particles);
- ``euc_kr``: Korean text built from common Korean words and particles;
- ``gb18030``: passages of the reports encoded as GB18030 (must stay accepted).

"Accepted as GB18030" is what ``decode`` returns without ``encoding=``. 0.1.0's rule
was: UTF-8 first, else GB18030 if it decodes with under 1 % control characters.
Writes ``benchmarks/results/encodings.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("CONSENSUS_NLP_SHARED", REPO.parent / "shared")) / "corpora" / "gov-work-reports-1954-2017"
KOREAN = ("대한민국 정부 국회 위원회 경제 발전 협력 정책 국민 지역 사회 문화 교육 산업 기술 국가 세계 평화 통일 "
          "민주 주의 시장 개혁 개방 성장 안정 복지 환경 에너지 이 가 은 는 을 를 의 에 에서 으로 와 과 도 만 "
          "합니다 했다 있다 없다 하는 되는 위한 대한 통해 함께 새로운 중요한 지속적인").split()
KANA = "のはにをがでとてしたれるもいうかなこすまありくっです。ます、"
LENGTHS = (20, 80, 300, 1500)


def old_rule(data: bytes) -> str | None:
    """0.1.0's decode: the encoding it returned, or None."""
    from consensus_nlp.io.encoding import _looks_like_text  # noqa: PLC2701 - the benchmark compares with it

    for name in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return name
    return None


def new_rule(data: bytes) -> str | None:
    from consensus_nlp.errors import EncodingDetectionError
    from consensus_nlp.io.encoding import decode

    try:
        return decode(data)[1]
    except EncodingDetectionError:
        return None


def samples(kind: str, text: str, length: int, rng: random.Random) -> bytes:
    start = rng.randrange(len(text) - length)
    passage = text[start:start + length]
    if kind == "gb18030":
        return passage.encode("gb18030")
    if kind == "big5":
        return passage.encode("big5", errors="ignore")
    if kind == "shift_jis":
        words = [passage[i:i + rng.randint(1, 3)] for i in range(0, len(passage), 3)]
        return "".join(w + rng.choice(KANA) for w in words)[:length].encode("shift_jis", errors="ignore")
    words, out = [], 0
    while out < length:
        word = "".join(rng.choice(KOREAN) for _ in range(rng.randint(1, 2)))
        words.append(word)
        out += len(word) + 1
    return (" ".join(words) + ".").encode("euc_kr")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--samples", type=int, default=400, help="samples per kind and length")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "encodings.json"))
    args = parser.parse_args(argv)
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(args.folder).glob("*.txt")))
    text = "".join(text.split())  # passages without line breaks
    rng = random.Random(0)
    load = os.getloadavg()
    results: dict[str, dict[str, dict[str, float]]] = {}
    print(f"load average {load[0]:.2f}; share accepted as GB18030 (old rule -> new rule), {args.samples} samples each")
    for kind in ("big5", "shift_jis", "euc_kr", "gb18030"):
        results[kind] = {}
        for length in LENGTHS:
            data = [samples(kind, text, length, rng) for _ in range(args.samples)]
            old = sum(old_rule(d) == "gb18030" for d in data) / len(data)
            new = sum(new_rule(d) == "gb18030" for d in data) / len(data)
            results[kind][str(length)] = {"old": round(old, 4), "new": round(new, 4)}
            print(f"{kind:10s} {length:5d} chars: {old:7.1%} -> {new:7.1%}")
    summary = {"samples_per_cell": args.samples, "loadavg": load, "accepted_as_gb18030": results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
