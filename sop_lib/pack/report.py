"""Rendering the pack: self-contained, code-free HTML pages, the cycle index and the index of
cycles. Pages load nothing from the network and forbid scripts (Content-Security-Policy)."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

CYCLE_FOLDER = re.compile(r"^\d{4}-\d{2}$")
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
       color: #1d2733; font-size: 14px; line-height: 1.45; }
main { max-width: 78em; margin: 0 auto; padding: 0.5em 1.2em 3em; }
nav.sop-nav { background: #1d3557; padding: 0.6em 1.2em; }
nav.sop-nav a { color: #f1faee; margin-right: 1.4em; text-decoration: none; }
nav.sop-nav a.current { font-weight: bold; text-decoration: underline; }
nav.sop-nav span.sop-cycles { float: right; }
h1 { font-size: 1.9em; margin: 0.6em 0 0.3em; } h2 { margin-top: 1.6em; }
.anchor-link { display: none; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #d5d9e0; padding: 0.25em 0.7em; text-align: right;
         vertical-align: top; }
th { background: #f1f3f6; } caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
img { max-width: 100%; height: auto; }
.output_stderr, .output_error { background: #fde8e8; }
.sop-page-break { height: 0; }
.sop-status { margin: 0.8em 0 0; padding: 0.4em 0.8em; border-left: 0.35em solid #c9a227;
              background: #fbf3d9; }
.sop-status.approved { border-left-color: #2d7a46; background: #e3f2e7; }
.sop-figures { display: flex; gap: 0.8em; align-items: flex-start; }
.sop-figures img { max-width: calc(50% - 0.4em); }
@page { size: A4 landscape; margin: 9mm; }
@media print {
  nav.sop-nav { display: none; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 1.5em; margin: 0 0 0.2em; } h2 { margin: 0.6em 0 0.2em; }
  p, ul { margin: 0.2em 0; }
  table { margin: 0.2em 0 0.5em; }
  th, td { padding: 0.1em 0.4em; }
  h2, h3 { page-break-after: avoid; }
  img, tr { page-break-inside: avoid; }
  img { max-height: 125mm; width: auto; }
  .sop-figures img { max-height: 95mm; }
  .sop-page-break { break-before: page; page-break-before: always; }
  td.col0, td.col1, td.col2 { white-space: nowrap; }
  body { font-size: 8pt; line-height: 1.2; }
  .sop-status { margin: 0 0 0.2em; padding: 0.1em 0.4em; font-size: 7pt; }
}
"""


class _DropStderr(Preprocessor):
    """Remove warnings and logs written to stderr: they are for the run log, not the reader."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.get("name") == "stderr")]
        return cell, resources


def page(title: str, nav: str, content: str) -> str:
    """A whole HTML page around `content`: styles inline, no scripts allowed."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>{nav}<main>{content}</main></body></html>\n")


def nav_bar(pages: list[tuple[str, str]], current: str | None, *,
            cycles: tuple[str | None, str | None] = (None, None)) -> str:
    """Links to all cycles, this cycle's index and pages, and the neighbouring cycles."""
    links = ['<a href="../index.html">All cycles</a>', '<a href="index.html">This cycle</a>']
    for href, title in pages:
        css = ' class="current"' if href == current else ""
        links.append(f'<a href="{html.escape(href)}"{css}>{html.escape(title)}</a>')
    before, after = cycles
    neighbours = [f'<a href="../{c}/{html.escape(current or "index.html")}">{label}</a>'
                  for c, label in ((before, f"&larr; {before}"), (after, f"{after} &rarr;"))
                  if c]
    if neighbours:
        links.append(f'<span class="sop-cycles">{"".join(neighbours)}</span>')
    return '<nav class="sop-nav">' + "".join(links) + "</nav>"


def render_notebook(notebook: Path, target: Path, *, title: str, nav: str,
                    status: str = "") -> Path:
    """Write the executed notebook as one self-contained page with no code, prompts or stderr,
    `status` (the pack's approval status, `status_line`) at its top."""
    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(_DropStderr(), enabled=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target.write_text(page(title, nav, status + body), encoding="utf-8")
    return target


def status_line(manifest: dict) -> str:
    """The pack's approval status as a line above each page (HTML, escaped): proposed, with
    how to approve it, or approved, by whom, when and which plan."""
    approval = manifest.get("approval")
    if not approval:
        cycle = html.escape(manifest["cycle"])
        return ('<p class="sop-status"><strong>Proposed, not yet approved.</strong> The '
                f"meeting's decisions go in <code>decisions/{cycle}.yaml</code> in the company "
                f"folder; <code>sop approve --cycle {cycle}</code> then publishes the approved "
                "pack.</p>")
    adopted = approval["scenario"]
    approved = ('<p class="sop-status approved"><strong>Approved by '
                f'{html.escape(approval["approved_by"])} on '
                f'{html.escape(approval["approved_on"])}</strong>: ')
    if adopted == "Baseline":
        return (approved + "the plan as proposed, the plan these pages show, is the plan of "
                'record. The decisions taken are on the <a href="approval.html">Approval</a> '
                "page.</p>")
    name = html.escape(adopted)
    return (approved + f"the scenario {name} is the plan of record. The figures on these pages "
            "(KPIs, statuses, plan tables) are the Baseline plan as reviewed in the meeting, not "
            f'{name}; its figures and the decisions taken are on the <a href="approval.html">'
            "Approval</a> page.</p>")


def neighbour_cycles(reports_dir: Path, cycle: str) -> tuple[str | None, str | None]:
    """The published cycles just before and after `cycle`."""
    cycles = sorted(p.name for p in reports_dir.iterdir()
                    if CYCLE_FOLDER.match(p.name) and (p / "manifest.json").exists())
    before = [c for c in cycles if c < cycle]
    after = [c for c in cycles if c > cycle]
    return (before[-1] if before else None, after[0] if after else None)


def write_cycle_index(folder: Path, manifest: dict, pages: list[tuple[str, str]], *,
                      cycles: tuple[str | None, str | None] = (None, None)) -> Path:
    """The cycle's front page: what the pack holds and how the run went."""
    rows = "".join(
        f'<tr><td style="text-align:left"><a href="{html.escape(href)}">'
        f"{html.escape(title)}</a></td><td>{step['seconds']:.1f} s</td></tr>"
        for (href, title), step in zip(pages, manifest["steps"]))
    content = (f"<h1>{html.escape(manifest['company'])}: S&amp;OP pack "
               f"{html.escape(manifest['cycle'])}</h1>{status_line(manifest)}"
               f"<p>Run finished {html.escape(manifest['finished'])}.</p>"
               f"<table><tr><th>Page</th><th>Run time</th></tr>{rows}</table>"
               f'<p><a href="sop_{html.escape(manifest["cycle"])}.xlsx">The pack in Excel</a>: '
               "KPIs, decisions and a sheet per family. "
               '<a href="plan_of_record/sku_plan.csv">SKU plan</a> and '
               '<a href="plan_of_record/financial_plan.csv">financial plan</a> of record. '
               '<a href="run.log">Run log</a>, '
               '<a href="manifest.json">run manifest</a> (inputs, parameters, versions).</p>'
               f"{_database_sentence(manifest)}")
    path = folder / "index.html"
    path.write_text(page(f"S&OP {manifest['cycle']}",
                         nav_bar(pages, "index.html", cycles=cycles), content),
                    encoding="utf-8")
    return path


def _database_sentence(manifest: dict) -> str:
    """Where the tables read from a database came from and where the pack keeps them; empty
    when the run read none."""
    sources = manifest.get("sources")
    if not sources:
        return ""
    tables = ", ".join(sources["tables"])
    return (f"<p>Read from the database {html.escape(sources['connection'])}: "
            f"{html.escape(tables)}. The pack keeps what was read, with the company's other "
            f'files, in <a href="inputs/">inputs/</a>: <code>sop run --data '
            f"reports/{html.escape(manifest['cycle'])}/inputs --out another-folder</code> "
            "makes the same plan again.</p>")


def write_reports_index(reports_dir: Path) -> Path:
    """`reports/index.html`: every published cycle, newest first."""
    rows = []
    for folder in sorted((p for p in reports_dir.iterdir() if CYCLE_FOLDER.match(p.name)),
                         reverse=True):
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        rows.append(f'<tr><td style="text-align:left"><a href="{folder.name}/index.html">'
                    f"{folder.name}</a></td>"
                    f"<td>{html.escape(manifest.get('company', ''))}</td>"
                    f"<td>{html.escape(manifest.get('status', ''))}</td>"
                    f"<td>{html.escape(manifest.get('finished', ''))}</td></tr>")
    content = ("<h1>S&amp;OP packs</h1><table><tr><th>Cycle</th><th>Company</th>"
               f"<th>Status</th><th>Published</th></tr>{''.join(rows)}</table>")
    path = reports_dir / "index.html"
    path.write_text(page("S&OP packs", '<nav class="sop-nav"></nav>', content),
                    encoding="utf-8")
    return path
