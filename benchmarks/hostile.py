"""The queries that hurt plain Whoosh, against an archive: each must answer within 1 s or
be refused with a reason.

    python benchmarks/hostile.py HOME
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from archive.contract.errors import QueryError
from archive.contract.search import SearchRequest
from archive.operations.service import Archive

QUERIES = (
    "a*", "*", "?*?*?*?*", "market~3", "market~2", "body:[a TO z]", "(" * 5000 + "x" + ")" * 5000,
    "ma*", "ab*", "title:*", "x" * 100_000, "\ud800 lone surrogate", "published:[1 TO 99999]",
    " OR ".join(f"w{i}" for i in range(400)), "NOT market", '"' + "market " * 200 + '"',
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path)
    args = parser.parse_args(argv)
    with Archive(args.home, create=False) as archive:
        archive.search(SearchRequest(query="warm"))
        print("| query | ms | outcome |\n|---|---:|---|")
        for text in QUERIES:
            began = time.perf_counter()
            try:
                outcome = f"{archive.search(SearchRequest(query=text)).total} matches"
            except QueryError as exc:
                outcome = f"refused: {exc}"
            took = (time.perf_counter() - began) * 1000
            shown = text if len(text) <= 40 else text[:30] + f"… ({len(text)} chars)"
            print(f"| `{shown.encode('utf-8', 'replace').decode()}` | {took:.0f} | {outcome} |")


if __name__ == "__main__":
    main()
