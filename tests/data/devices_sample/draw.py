"""Draw the candidate contexts of the devices recall sample (tests/data/devices_sample/README.md).

Independent of the tagger: candidates come from broad surface patterns and random
windows; seed 13; stratified by decade. Run from the repository root:
    python tests/data/devices_sample/draw.py ../shared/corpora/gov-work-reports-1954-2017 > candidates.jsonl
"""
import json
import random
import re
import sys
from pathlib import Path

_NOT_AFTER = r"(?<![零〇○一二两三四五六七八九十百千万])"
FORM = re.compile(_NOT_AFTER + r"[两二三四五六七八九十双][个项大条种点面][\u4e00-\u9fff]{1,4}"
                  r"|[“『「][一二两三四五六七八九十双][^“”『』「」\s，。、；：]{1,7}[”』」]"
                  r"|" + _NOT_AFTER + r"[一二两三四五六七八九十][^\s\d零〇○一二两三四五六七八九十百千万亿点年月日，。、；：“”]{1,2}"
                  r"[一二两三四五六七八九十][\u4e00-\u9fff]"
                  r"|" + _NOT_AFTER + r"[一二三四五六七八九十]{1,2}五(?=[”计时期规])"
                  r"|第[一二三四五六七八九十]{1,2}个五年(?:计划|规划)")
ENUM = re.compile(r"(?:^|(?<=[\s。，；：、！？”）]))(?:[一二三四五六七八九十]{1,2}(?:是|要|靠|则|来|、)|其[一二三四五]"
                  r"|另一方面|一方面|第[一二三四五六七八九十]{1,2}(?=[，、：,])|首先|其次|再次|最后)"
                  r"|[（(][一二三四五六七八九十0-9０-９]{1,2}[）)]|^[0-9０-９]{1,2}[.．、]|[①②③④⑤⑥⑦⑧⑨⑩]", re.M)


def main(folder: str, seed: int = 13, quotas: tuple[int, int, int] = (100, 60, 4), exclude: str | None = None) -> None:
    """Print the drawn candidates as JSON lines; ``exclude``: a sample file whose contexts are skipped."""
    rng = random.Random(seed)
    skip = set()
    if exclude:
        for line in Path(exclude).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            skip.add((r["file"], r["start"]))
    by_decade: dict[int, list] = {}
    for path in sorted(Path(folder).glob("*.txt")):
        year = int(path.name[:4])
        text = path.read_text(encoding="utf-8")
        for kind, pat in (("formulation", FORM), ("outline", ENUM)):
            for m in pat.finditer(text):
                if (path.name, m.start()) not in skip:
                    by_decade.setdefault(year // 10 * 10, []).append((kind, path.name, m.start(), m.end(), year))
        for _ in range(3):  # random windows, read in full
            s = rng.randrange(0, max(1, len(text) - 200))
            by_decade.setdefault(year // 10 * 10, []).append(("window", path.name, s, s + 200, year))
    out = []
    for decade in sorted(by_decade):
        hits = by_decade[decade]
        for kind, quota in zip(("formulation", "outline", "window"), quotas):
            pool = [h for h in hits if h[0] == kind]
            out += rng.sample(pool, min(quota, len(pool)))
    for kind, name, s, e, year in out:
        print(json.dumps({"kind": kind, "file": name, "year": year, "start": s, "end": e}, ensure_ascii=False))


if __name__ == "__main__":
    # the tuning sample:   draw.py FOLDER
    # the held-out sample: draw.py FOLDER 14 sample.jsonl  (40 + 25 per decade, none of the tuning contexts)
    if len(sys.argv) > 2:
        main(sys.argv[1], int(sys.argv[2]), (40, 25, 0), sys.argv[3])
    else:
        main(sys.argv[1])
