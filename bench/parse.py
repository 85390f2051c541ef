"""Parser throughput: reports parsed per second, and the ratio to a bare BeautifulSoup parse.

One run over the dev corpus (../shared/corpus/dev) and a few hundred reports the simulator
renders from real figures (HTML, PDF, DOCX). For HTML documents it also times
`BeautifulSoup(html, "lxml")` of the same bytes; the goal is a parse within 3x of that.

usage: python bench/parse.py [--generated 300] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import defaultdict
from pathlib import Path

from bs4 import BeautifulSoup

from disclosure_monitor import parse_document
from disclosure_monitor.simulator.documents import ReportSpec, render

HERE = Path(__file__).resolve().parent


def documents(corpus: Path, generated: int) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes) of every corpus source and `generated` rendered reports."""
    docs = [("corpus", p.name, p.read_bytes()) for p in sorted(corpus.glob("*/source.*"))]
    mix = itertools.cycle([("001", "html"), ("013", "html"), ("000", "html"), ("002", "html"),
                           ("001", "pdf"), ("013", "pdf"), ("001", "docx"), ("002", "html"),
                           ("000", "html"), ("013", "html")])
    for i, (source, fmt) in zip(range(generated), mix):
        spec = ReportSpec(agency=f"测试县第{i}局", year=2020 + i % 5, source=source)
        docs.append((fmt, f"report.{fmt}", render(spec, fmt)))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=int, default=300)
    ap.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus" / "dev")
    args = ap.parse_args()
    docs = documents(args.corpus, args.generated)

    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    html_ours = html_bs4 = 0.0
    for kind, name, data in docs:
        start = time.perf_counter()
        parse_document(data, filename=name)
        spent = time.perf_counter() - start
        fmt = name.rsplit(".", 1)[-1]
        seconds[fmt] += spent
        counts[fmt] += 1
        if fmt == "html":
            html_ours += spent
            start = time.perf_counter()
            BeautifulSoup(data, "lxml")
            html_bs4 += time.perf_counter() - start

    total = sum(seconds.values())
    print(f"{len(docs)} documents in {total:.2f} s: {len(docs) / total:.1f} reports/s")
    for fmt in sorted(seconds):
        print(f"  {fmt:5} {counts[fmt]:4} docs  {1000 * seconds[fmt] / counts[fmt]:7.1f} ms each")
    print(f"HTML: ours / bare BeautifulSoup(html, 'lxml') = {html_ours / html_bs4:.2f}")


if __name__ == "__main__":
    main()
