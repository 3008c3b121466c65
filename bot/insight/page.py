"""The insight page's HTML: no script, one inline stylesheet, every value escaped."""
from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Optional, Sequence
from urllib.parse import urlencode

from bot.insight.figures import Figures
from bot.volunteer_queue import Entry

_STYLE = """
*{box-sizing:border-box} body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#0b0c0c;background:#fff}
header{background:#0b0c0c;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
header h1{font-size:1.25rem;margin:0} main{max-width:64rem;margin:0 auto;padding:1rem}
a{color:#1d70b8} a:focus,button:focus,input:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 5px #0b0c0c}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:2px;background:#00703c;color:#fff;cursor:pointer;box-shadow:0 2px 0 #002d18}
button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
label{font-weight:600;display:block} input{font:inherit;padding:.35rem;border:2px solid #0b0c0c;max-width:100%}
.period{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;padding:0;list-style:none}
.cards li{border-left:5px solid #1d70b8;background:#f3f2f1;padding:.5rem .75rem}
.cards .n{display:block;font-size:2rem;font-weight:700;line-height:1.1}
.cards li.alert{border-color:#d4351c}
table{border-collapse:collapse;width:100%;margin:.5rem 0} th,td{border-bottom:1px solid #b1b4b6;padding:.4rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right} figure{margin:0} svg text{font:14px system-ui,sans-serif;fill:#0b0c0c}
.groups li{margin-bottom:.75rem} .muted{color:#505a5f} .notice{border:3px solid #1d70b8;padding:.5rem 1rem}
.error{border:3px solid #d4351c;padding:.5rem 1rem} form.inline{display:inline}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:40rem){ header{display:block} table{font-size:.9rem} }
"""


def _document(title: str, body: str, signed_in: bool = False, csrf: str = "") -> str:
    logout = (f'<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{csrf}">'
              '<button class="secondary" type="submit">Sign out</button></form>') if signed_in else ""
    return ('<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>'
            f'<header><h1>Medway SEND assistant: insight</h1>{logout}</header><main id="main">{body}</main></body></html>')


def login(error: str = "") -> str:
    problem = f'<div class="error" role="alert"><p>{html.escape(error)}</p></div>' if error else ""
    return _document("Sign in: insight", f"""
<h2>Sign in</h2>{problem}
<p>This page is for council staff and forum volunteers. Enter the access token you were given.</p>
<form method="post" action="/login">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required size="40">
<p><button type="submit">Sign in</button></p>
</form>""")


def switched_off() -> str:
    return _document("Insight page switched off", "<h2>The insight page is switched off</h2>"
                     "<p>No access token is configured, so the page is not served. "
                     "Set MEDWAY_INSIGHT_TOKEN (see README) and restart.</p>")


def _chart(topics: Sequence[tuple[str, int]]) -> str:
    if not topics:
        return '<p class="muted">No topics in this period.</p>'
    most = max(n for _, n in topics)
    row, bar_width = 48, 330  # each topic's name above its bar: readable when the chart shrinks to a phone
    bars = []
    for i, (topic, count) in enumerate(topics):
        y = i * row
        width = max(2, round(bar_width * count / most))
        bars.append(f'<text x="0" y="{y + 16}">{html.escape(topic[:48])}</text>'
                    f'<rect x="0" y="{y + 22}" width="{width}" height="18" fill="#1d70b8"></rect>'
                    f'<text x="{width + 6}" y="{y + 36}">{count}</text>')
    height = len(topics) * row + 4
    rows = "".join(f'<tr><td>{html.escape(t)}</td><td class="num">{n}</td></tr>' for t, n in topics)
    return (f'<figure><svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {bar_width + 60} {height}" '
            f'width="100%" style="max-width:{(bar_width + 60) * 1.5:.0f}px" preserveAspectRatio="xMinYMin meet"><title id="chart-title">Top topics by number of messages</title>'
            f'{"".join(bars)}</svg>'
            f'<figcaption><details><summary>Top topics as a table</summary><table><thead><tr><th scope="col">Topic</th>'
            f'<th scope="col" class="num">Messages</th></tr></thead><tbody>{rows}</tbody></table></details></figcaption></figure>')


def _period_query(figures: Figures, **extra: object) -> str:
    last = (figures.end.date() - timedelta(days=1))
    return urlencode({"from": figures.start.date().isoformat(), "to": last.isoformat(), **extra})


def _unanswered(figures: Figures) -> str:
    if not figures.unanswered:
        return '<p class="muted">Nothing went unanswered in this period.</p>'
    items = []
    for number, group in enumerate(figures.unanswered[:50]):
        others = "".join(f"<li>{html.escape(w)} <span class=\"muted\">({n})</span></li>" for w, n in group.wordings[1:20])
        more = (f'<details><summary>{len(group.wordings) - 1} other wording(s)</summary><ul>{others}</ul></details>'
                if len(group.wordings) > 1 else "")
        items.append(f'<li><q>{html.escape(group.representative)}</q> <span class="muted">asked {group.count} time(s)</span>'
                     f'{more}<div><a href="/unanswered.csv?{_period_query(figures, group=number)}">Download as CSV'
                     f'<span class="visually-hidden"> (group {number + 1})</span></a></div></li>')
    return (f'<p>{figures.unanswered_messages} message(s) in {len(figures.unanswered)} group(s) of similar wording, '
            f'most asked first. Personal details are removed. '
            f'<a href="/unanswered.csv?{_period_query(figures)}">Download all as CSV</a>.</p>'
            f'<ol class="groups" id="unanswered-list">{"".join(items)}</ol>')


def _feedback(figures: Figures) -> str:
    if not figures.feedback:
        return '<p class="muted">No answers were marked in this period.</p>'
    rows = "".join(f'<tr><td>{html.escape(f.title)}</td><td class="num">{f.not_helpful}</td><td class="num">{f.helpful}</td></tr>'
                   for f in figures.feedback)
    return ('<table><thead><tr><th scope="col">Answer</th><th scope="col" class="num">Not helpful</th>'
            f'<th scope="col" class="num">Helpful</th></tr></thead><tbody>{rows}</tbody></table>')


def _queue(entries: Sequence[Entry], csrf: str, query: str) -> str:
    if not entries:
        return '<p class="muted">No questions are waiting.</p>'
    rows = []
    for entry in entries:
        email = (f'<a href="mailto:{html.escape(entry.contact_email)}">{html.escape(entry.contact_email)}</a>'
                 if entry.contact_email else '<span class="muted">no email</span>')
        rows.append(f'<tr><td>{entry.created_at:%-d %b %Y}</td><td>{html.escape(entry.question)}</td><td>{email}</td>'
                    f'<td><form method="post" action="/queue/done?{query}"><input type="hidden" name="csrf" value="{csrf}">'
                    f'<input type="hidden" name="id" value="{entry.id}"><button class="secondary" type="submit">'
                    f'Mark done<span class="visually-hidden"> (question {entry.id})</span></button></form></td></tr>')
    return ('<table id="queue"><thead><tr><th scope="col">Left on</th><th scope="col">Question</th>'
            f'<th scope="col">Reply to</th><th scope="col">Action</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _queue_heading(shown: int, waiting: int) -> str:
    more = f' <span class="muted">(the newest {shown} are listed)</span>' if waiting > shown else ""
    return f'<h2>Questions left for volunteers (<span id="queue-count">{waiting}</span>){more}</h2>'


def dashboard(figures: Figures, queue: Sequence[Entry], waiting: int, csrf: str, notice: Optional[str] = None) -> str:
    """The signed-in page; `waiting` is the number of open questions, `queue` the ones listed."""
    last = figures.end.date() - timedelta(days=1)
    query = _period_query(figures)
    note = f'<div class="notice" role="status"><p>{html.escape(notice)}</p></div>' if notice else ""
    body = f"""{note}
<form class="period" method="get" action="/" aria-label="Period">
<div><label for="from">From</label><input id="from" name="from" type="date" value="{figures.start.date().isoformat()}"></div>
<div><label for="to">To</label><input id="to" name="to" type="date" value="{last.isoformat()}" max="{date.today().isoformat()}"></div>
<div><button type="submit">Show</button></div>
</form>
<p class="muted">{figures.start:%-d %B %Y} to {last:%-d %B %Y} (UTC).</p>
<h2>Summary</h2>
<ul class="cards">
<li><span class="n" id="conversations">{figures.conversations}</span> conversations</li>
<li><span class="n" id="messages">{figures.messages}</span> messages from parents</li>
<li><span class="n" id="unanswered-count">{figures.unanswered_messages}</span> could not be answered</li>
<li class="alert"><span class="n" id="safeguarding">{figures.safeguarding}</span> safeguarding replies (emergency routes given)</li>
<li><span class="n" id="handoffs">{figures.handoffs}</span> asked for a person</li>
</ul>
<h2>Top topics</h2>{_chart(figures.topics)}
<h2>Questions the assistant could not answer</h2>{_unanswered(figures)}
<h2>Answers marked helpful or not</h2>{_feedback(figures)}
{_queue_heading(len(queue), waiting)}{_queue(queue, csrf, query)}"""
    return _document("Insight: Medway SEND assistant", body, signed_in=True, csrf=csrf)
