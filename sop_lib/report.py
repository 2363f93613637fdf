"""Rendering the pack: code-free HTML pages per step, the cycle index and the index of cycles."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

CYCLE_FOLDER = re.compile(r"^\d{4}-\d{2}$")

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
       color: #1d2733; }
nav.sop-nav { background: #1d3557; padding: 0.6em 1.2em; }
nav.sop-nav a { color: #f1faee; margin-right: 1.4em; text-decoration: none; }
nav.sop-nav a.current { font-weight: bold; text-decoration: underline; }
main.sop-index { max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
table.sop { border-collapse: collapse; }
table.sop td, table.sop th { border-bottom: 1px solid #ccd; padding: 0.3em 0.8em;
                             text-align: left; }
"""


class _DropStderr(Preprocessor):
    """Remove warnings and logs written to stderr: they are for the run log, not the reader."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.get("name") == "stderr")]
        return cell, resources


def nav_bar(pages: list[tuple[str, str]], current: str | None) -> str:
    """A navigation bar over (file name, title) pairs; `current` is highlighted."""
    links = ['<a href="../index.html">All cycles</a>', '<a href="index.html">This cycle</a>']
    for href, title in pages:
        css = ' class="current"' if href == current else ""
        links.append(f'<a href="{html.escape(href)}"{css}>{html.escape(title)}</a>')
    return '<nav class="sop-nav">' + "".join(links) + "</nav>"


def render_notebook(notebook: Path, target: Path, *, title: str, nav: str) -> Path:
    """Write the executed notebook as HTML with no code, prompts or stderr, under a nav bar."""
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.register_preprocessor(_DropStderr(), enabled=True)
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4),
                                          resources={"metadata": {"name": title}})
    body = body.replace("</head>", f"<style>{STYLE}</style></head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    target.write_text(body, encoding="utf-8")
    return target


def _page(title: str, nav: str, content: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f'<body>{nav}<main class="sop-index">{content}</main></body></html>')


def write_cycle_index(folder: Path, manifest: dict, pages: list[tuple[str, str]]) -> Path:
    """The cycle's front page: what the pack holds and how the run went."""
    rows = "".join(
        f'<tr><td><a href="{html.escape(href)}">{html.escape(title)}</a></td>'
        f"<td>{step['seconds']:.1f} s</td></tr>"
        for (href, title), step in zip(pages, manifest["steps"]))
    content = (f"<h1>{html.escape(manifest['company'])}: S&amp;OP pack "
               f"{html.escape(manifest['cycle'])}</h1>"
               f"<p>Status: {html.escape(manifest['status'])}. Finished "
               f"{html.escape(manifest['finished'])}.</p>"
               f'<table class="sop"><tr><th>Page</th><th>Run time</th></tr>{rows}</table>'
               '<p><a href="manifest.json">Run manifest</a> (inputs, parameters, versions)</p>')
    path = folder / "index.html"
    path.write_text(_page(f"S&OP {manifest['cycle']}", nav_bar(pages, "index.html"), content),
                    encoding="utf-8")
    return path


def write_reports_index(reports_dir: Path) -> Path:
    """`reports/index.html`: every published cycle, newest first."""
    rows = []
    for folder in sorted((p for p in reports_dir.iterdir() if CYCLE_FOLDER.match(p.name)),
                         reverse=True):
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        rows.append(f'<tr><td><a href="{folder.name}/index.html">{folder.name}</a></td>'
                    f"<td>{html.escape(manifest.get('company', ''))}</td>"
                    f"<td>{html.escape(manifest.get('status', ''))}</td>"
                    f"<td>{html.escape(manifest.get('finished', ''))}</td></tr>")
    content = ("<h1>S&amp;OP packs</h1><table class=\"sop\"><tr><th>Cycle</th><th>Company</th>"
               f"<th>Status</th><th>Published</th></tr>{''.join(rows)}</table>")
    path = reports_dir / "index.html"
    path.write_text(_page("S&OP packs", '<nav class="sop-nav"></nav>', content),
                    encoding="utf-8")
    return path
