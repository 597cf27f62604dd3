"""How results look: one JSON document on stdout, or lines for a person on a terminal."""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from archive.contract.records import Record
    from archive.contract.search import Hit, SearchResult
    from archive.operations.history import VersionDiff, VersionInfo
    from archive.operations.integrity import CheckReport
    from archive.operations.stories import CopiesResult

_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)
# What must not reach a terminal from captured text: C0 and C1 controls (escape sequences,
# carriage returns, backspaces) and the marks that reorder text (bidi overrides, isolates).
_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object, *, lines: bool = False) -> str:
    """Text from pages, files or users made safe to print: control characters and bidi marks
    appear as escapes (``\\x1b``), and newlines too unless ``lines`` keeps them."""
    out = _UNSAFE_RE.sub(_escape, str(text))
    return out if lines else out.replace("\n", "\\n")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def _terminal_snippet(snippet: str) -> str:
    pieces = _MARK_RE.split(snippet)  # text, marked, text, marked, ...
    return "".join(
        click.style(shown(html.unescape(piece)), bold=True, fg="yellow") if i % 2 else shown(html.unescape(piece))
        for i, piece in enumerate(pieces)
    )


def print_hits(hits: list[Hit], first: int) -> None:
    for rank, hit in enumerate(hits, start=first):
        click.echo("")
        click.echo(f"{rank:>3}. " + click.style(shown(hit.title or "(untitled)"), bold=True))
        when = hit.published[:10] if hit.published else "undated"
        details = [", ".join(hit.authors) or "unknown author", when]
        if hit.site:
            details.append(hit.site)
        details.append(f"id {hit.id}")
        if hit.copy is not None:
            details.append(f"copy ({hit.copy.kind}, {hit.copy.similarity:.2f})")
        if hit.copies > 1:
            details.append(f"copies: {hit.copies}")
        click.echo("     " + shown(" · ".join(details)))
        if hit.snippet:
            click.echo("     " + _terminal_snippet(hit.snippet))


def print_result(result: SearchResult, limit: int) -> None:
    asked = f"{result.query!r}" if result.query else "all articles"
    if result.total == 0:
        click.echo(f"No matches for {asked}.")
    else:
        first = (result.page - 1) * limit + 1
        last = first + len(result.hits) - 1
        noun = "match" if result.total == 1 else "matches"
        click.echo(f"{result.total} {noun} for {asked}; showing {first}-{last}" if result.hits
                   else f"{result.total} {noun} for {asked}; page {result.page} is past the end")
    print_hits(result.hits, (result.page - 1) * limit + 1)
    if result.suggestion:
        click.echo(f"Did you mean: {shown(result.suggestion)}")
    if result.total:
        click.echo("")
        for name, values in result.facets.items():
            if values:
                listed = ", ".join(f"{v.value} ({v.count})" for v in values[:8])
                click.echo(f"{name}: {shown(listed)}")


def print_record(record: Record) -> None:
    click.echo(click.style(shown(record.title or "(untitled)"), bold=True))
    meta = [", ".join(record.authors) or "unknown author", record.published or "undated"]
    if record.updated:
        meta.append(f"updated {record.updated}")
    if record.site:
        meta.append(record.site)
    if record.captured_at:
        meta.append(f"captured {record.captured_at}")
    click.echo(shown(" · ".join(meta)))
    if record.url:
        click.echo(shown(record.url))
    click.echo("")
    click.echo(shown(record.body, lines=True))


def print_versions(versions: list[VersionInfo], as_json: bool) -> None:
    if as_json:
        emit_json([v.to_dict() for v in versions])
        return
    for v in versions:
        mark = "*" if v.current else " "
        note = f" (re-extracted {v.reextracted_at})" if v.reextracted_at else ""
        click.echo(f"{mark} v{v.version}  {v.ingested_at}  {v.sha256[:12]}  {v.word_count:>6} words  "
                   f"{shown(v.title)}{note}")


def print_diff(diff: VersionDiff) -> None:
    click.echo(f"article {diff.article_id}: version {diff.old.version} ({diff.old.ingested_at}) -> "
               f"version {diff.new.version} ({diff.new.ingested_at})")
    if diff.identical:
        click.echo("no change in the text or the metadata")
        return
    for name, (before, after) in diff.changed.items():
        old, new = json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False)
        click.echo(shown(f"{name}: {old} -> {new}"))
    if diff.body_diff:
        click.echo("")
    colours = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.body_diff:
        text = shown(line)
        click.echo(click.style(text, fg=colours.get(line[:1])) if not line.startswith(("+++", "---")) else text)


def print_report(report: CheckReport) -> None:
    for line in report.repaired:
        click.echo(f"repaired: {shown(line)}")
    kept = f", WARC headers of {report.warc_headers} captures" if report.warc_headers else ""
    click.echo(f"{report.records} records, {report.originals} originals{kept}, {report.indexed} indexed documents, "
               f"{report.pending} queued index changes")
    stale = f"; {report.stale} extracted by an older cleaner (run 'archive reextract')" if report.stale else ""
    click.echo(f"cleaner {report.cleaner_version}: " + ", ".join(
        f"v{v}: {n}" for v, n in report.cleaner_versions.items()) + stale)
    if report.held:
        click.echo(f"{len(report.held)} re-extraction(s) held back (see 'archive check --json')")
    if report.copies:
        unsigned = report.copies.get("unsigned", 0)
        note = (f"; {unsigned} not compared yet ('archive copies --rebuild' or 'check --repair')"
                if unsigned else "")
        click.echo(f"copies: {report.copies.get('stories', 0)} stories with copies, holding "
                   f"{report.copies.get('articles', 0)} articles{note}; {report.watches} saved searches")
    for problem in report.problems:
        what = problem.article_id or problem.sha256 or ""
        click.echo(f"problem: {problem.kind}: {what}: {shown(problem.detail)}", err=True)
    click.echo("ok" if report.ok else f"{len(report.problems)} problem(s): " + ", ".join(
        f"{k} {n}" for k, n in report.counts().items()))


def print_stats(data: dict[str, Any]) -> None:
    click.echo(f"home:      {shown(data['home'])}")
    click.echo(f"originals: {data['originals']}")
    click.echo(f"records:   {data['records']} ({data['versions']} versions)")
    click.echo(f"indexed:   {data['indexed']}" + (f" ({data['pending']} waiting)" if data["pending"] else ""))
    click.echo(f"index:     {data['index_bytes'] / 2**20:.1f} MiB")
    click.echo(f"no date:   {data['undated']}, no author: {data['no_author']}")
    if data["stale"] or data["held"]:
        click.echo(f"cleaner:   {data['stale']} records from an older cleaner ('archive reextract --all'), "
                   f"{data['held']} re-extractions held back")
    if "stories_with_copies" in data:
        click.echo(f"copies:    {data['stories_with_copies']} stories with copies, holding "
                   f"{data['articles_with_copies']} articles" + (
                       f"; {data['uncompared']} not compared yet ('archive copies --rebuild')"
                       if data["uncompared"] else ""))
        click.echo(f"saved:     {data['watches']} saved searches")
    for key, label in (("top_authors", "top authors"), ("top_sites", "top sites")):
        if data[key]:
            click.echo(f"{label}: " + shown(", ".join(f"{d['value']} ({d['count']})" for d in data[key])))


def print_copies(found: CopiesResult, *, heading: bool = True) -> None:
    """An article's copies, one a line: id, how alike, site, date, URL."""
    if heading:
        click.echo(f"{shown(found.title or '(untitled)')} (id {found.id}): "
                   + (f"{len(found.copies)} cop{'y' if len(found.copies) == 1 else 'ies'}" if found.copies
                      else "no copies"))
    for c in found.copies:
        when = c.published[:10] if c.published else "undated"
        click.echo("  " + shown(f"{c.id}  {c.kind} {c.similarity:.2f}  {c.site or '(no site)'}  {when}  "
                                f"{c.url or '(no URL)'}"))
