"""How often "did you mean" gives the right word, over real misspellings.

    python benchmarks/misspellings.py HOME [--dictionary FILE] [--min-df 2] [--show 20]

The misspellings are codespell's list of real typos (``wrong->right`` lines; install the
bench extra, ``pip install -e '.[bench]'``, or pass ``--dictionary``).  Every pair whose right
word is held by at least ``--min-df`` articles of HOME and whose wrong word is in none is
searched as a query of its own; the top suggestion must be the right word (any of the
corrections the list gives).  Prints the share that is right and the ones that are not.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from archive.contract.search import SearchRequest
from archive.operations.service import Archive

_WORD = re.compile(r"^[a-z]{3,}$")


def codespell_dictionary() -> Path:
    import codespell_lib  # the bench extra

    return Path(codespell_lib.__file__).parent / "data" / "dictionary.txt"


def pairs(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        if "->" not in line:
            continue
        wrong, right = line.split("->", 1)
        fixes = tuple(w.strip() for w in right.split(",") if _WORD.match(w.strip()))
        if _WORD.match(wrong.strip()) and fixes:
            out.append((wrong.strip(), fixes))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--dictionary", type=Path, default=None)
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args(argv)
    from index.search import vocabulary

    with Archive(args.home, create=False) as archive:
        archive.search(SearchRequest(query="warm"))
        vocab = vocabulary(archive.workspace.backend.searcher.pool.current())
        chosen = [(w, fixes) for w, fixes in pairs(args.dictionary or codespell_dictionary())
                  if vocab.frequency(w) == 0 and any(vocab.frequency(f) >= args.min_df for f in fixes)]
        right = 0
        wrong: list[str] = []
        took = []
        for word, fixes in chosen:
            began = time.perf_counter()
            result = archive.search(SearchRequest(query=word, limit=1))
            took.append(time.perf_counter() - began)
            if result.suggestion in fixes:
                right += 1
            else:
                wrong.append(f"{word} -> {result.suggestion} (wanted {'/'.join(fixes)})")
    took.sort()
    print(f"{len(chosen)} misspellings of words held by >= {args.min_df} articles; "
          f"top suggestion right for {right} ({100 * right / max(1, len(chosen)):.1f}%); "
          f"median {1000 * took[len(took) // 2]:.1f} ms a query")
    for line in wrong[: args.show]:
        print("  " + line)


if __name__ == "__main__":
    main()
