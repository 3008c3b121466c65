"""Triage output: a CSV for spreadsheets and a readable HTML report grouped by topic."""
from __future__ import annotations

import csv
import html
from datetime import datetime
from pathlib import Path
from typing import Sequence

from bot.csv_safety import safe_cell
from bot.triage.classify import Result, topics
from bot.triage.reader import Unreadable

COLUMNS = ("row", "needs_person", "safeguarding", "topic", "entry", "title", "confidence", "question",
           "suggested_answer", "source", "link", "reasons")
UNREADABLE_TOPIC = "Could not be read"


def write_csv(results: Sequence[Result], unreadable: Sequence[Unreadable], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # the BOM makes Excel read UTF-8
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for r in results:
            writer.writerow(safe_cell(v) for v in (r.row, "yes" if r.needs_person else "no",
                                               "yes" if r.safeguarding else "no", r.topic, r.entry, r.title,
                                               f"{r.confidence:.2f}", r.question, r.answer, r.source, r.link,
                                               "; ".join(r.reasons)))
        for u in unreadable:
            writer.writerow(safe_cell(v) for v in (u.row, "yes", "no", UNREADABLE_TOPIC, "", "", "", "", "", "", "", u.reason))


_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#0b0c0c}
h1,h2{line-height:1.2} a{color:#1d70b8} a:focus,summary:focus{outline:3px solid #fd0}
.summary{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}
.summary li{border-left:4px solid #1d70b8;padding:.25rem .75rem;background:#f3f2f1}
article{border:1px solid #b1b4b6;border-radius:4px;padding:.75rem 1rem;margin:.75rem 0}
article.person{border-left:6px solid #d4351c} article.urgent{border:3px solid #d4351c}
blockquote{margin:0 0 .5rem;font-weight:600;white-space:pre-wrap}
.tag{display:inline-block;padding:0 .4rem;margin-right:.3rem;font-size:.875rem;font-weight:700;background:#e8e8e8}
.tag.person{background:#d4351c;color:#fff} .answer{white-space:pre-wrap}
table{border-collapse:collapse} td,th{border:1px solid #b1b4b6;padding:.25rem .5rem;text-align:left}
"""


def _article(r: Result) -> str:
    e = html.escape
    classes = "urgent" if r.safeguarding else ("person" if r.needs_person else "")
    tags = [f'<span class="tag">Row {r.row}</span>']
    if r.needs_person:
        tags.append('<span class="tag person">Needs a person</span>')
    if r.entry:
        tags.append(f'<span class="tag">{e(r.title)} ({r.confidence:.0%})</span>')
    parts = [f'<article class="{classes}">', f"<blockquote>{e(r.question)}</blockquote>", "<p>" + "".join(tags) + "</p>"]
    if r.reasons:
        parts.append("<p>Why a person should look: " + e("; ".join(r.reasons)) + "</p>")
    if r.answer:
        parts.append(f'<details{" open" if r.safeguarding else ""}><summary>Suggested answer</summary>'
                     f'<div class="answer">{e(r.answer)}</div></details>')
    if r.source:
        link = f' <a href="{e(r.link)}" rel="noopener noreferrer">{e(r.link)}</a>' if r.link else ""
        parts.append(f"<p>Source: {e(r.source)}.{link}</p>")
    parts.append("</article>")
    return "\n".join(parts)


def render_html(results: Sequence[Result], unreadable: Sequence[Unreadable], title: str,
                when: datetime | None = None) -> str:
    e = html.escape
    groups = topics(results)
    person = sum(r.needs_person for r in results)
    urgent = sum(r.safeguarding for r in results)
    stamp = (when or datetime.now()).strftime("%-d %B %Y %H:%M")
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Triage: {e(title)}</title><style>{_STYLE}</style></head><body><main>",
           f"<h1>Triage: {e(title)}</h1>",
           f"<p>Suggested answers from the Medway SEND assistant's model and FAQ content, {stamp}. "
           "Check every answer before you post it; "
           "personal details in the questions have been replaced with labels such as [email].</p>",
           '<ul class="summary">',
           f"<li>{len(results)} question(s)</li><li>{person} need a person</li>",
           f"<li>{urgent} safeguarding</li><li>{len(unreadable)} row(s) could not be read</li></ul>",
           '<nav aria-label="Topics"><h2>Topics</h2><ul>']
    for number, (topic, items) in enumerate(groups.items()):
        out.append(f'<li><a href="#topic-{number}">{e(topic)}</a> ({len(items)})</li>')
    if unreadable:
        out.append(f'<li><a href="#unreadable">{UNREADABLE_TOPIC}</a> ({len(unreadable)})</li>')
    out.append("</ul></nav>")
    for number, (topic, items) in enumerate(groups.items()):
        out.append(f'<section aria-labelledby="topic-{number}"><h2 id="topic-{number}">{e(topic)} ({len(items)})</h2>')
        out.extend(_article(r) for r in items)
        out.append("</section>")
    if unreadable:
        out.append(f'<section aria-labelledby="unreadable"><h2 id="unreadable">{UNREADABLE_TOPIC} ({len(unreadable)})</h2>'
                   "<table><thead><tr><th scope=\"col\">Row</th><th scope=\"col\">Problem</th></tr></thead><tbody>")
        out.extend(f"<tr><td>{u.row}</td><td>{e(u.reason)}</td></tr>" for u in unreadable)
        out.append("</tbody></table></section>")
    out.append("</main></body></html>\n")
    return "\n".join(out)


def write_html(results: Sequence[Result], unreadable: Sequence[Unreadable], path: Path, title: str) -> None:
    path.write_text(render_html(results, unreadable, title), encoding="utf-8")
