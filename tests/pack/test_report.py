"""Tests of sop_lib.pack.report: the HTML page around a pack page, the navigation bar, a notebook
rendered without code or stderr, the neighbouring cycles and the cycle and reports indexes."""
import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from sop_lib.pack.report import (
    CSP,
    nav_bar,
    neighbour_cycles,
    page,
    render_notebook,
    status_line,
    write_cycle_index,
    write_reports_index,
)

EVIL = '<script>alert(1)</script>'
PAGES = [("01_demand_review.html", "Demand review"), ("02_supply_review.html", "Supply review")]


def publish(reports, cycle, **manifest):
    """A cycle folder of the reports folder, published (with a manifest) unless manifest is None."""
    folder = reports / cycle
    folder.mkdir(parents=True)
    if manifest.pop("published", True):
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def manifest(**fields):
    return {"company": "Garden & Co", "cycle": "2026-03", "status": "complete",
            "finished": "2026-03-04 07:12", "steps": [{"seconds": 12.34}, {"seconds": 0.06}],
            **fields}


# --- page and nav_bar ----------------------------------------------------------------------

def test_a_page_is_whole_allows_no_script_and_escapes_its_title():
    text = page('Sales & "Ops" <2026>', "<nav>N</nav>", "<p>Body</p>")
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and text.endswith("</html>\n")
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in text
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert "<title>Sales &amp; &quot;Ops&quot; &lt;2026&gt;</title>" in text
    assert "<body><nav>N</nav><main><p>Body</p></main></body>" in text
    assert "<script" not in text


def test_the_nav_bar_links_every_page_and_marks_the_current_one():
    nav = nav_bar(PAGES, "02_supply_review.html")
    assert nav.startswith('<nav class="sop-nav">') and nav.endswith("</nav>")
    assert nav.index('href="../index.html">All cycles') < nav.index(
        'href="index.html">This cycle') < nav.index('href="01_demand_review.html">Demand')
    assert '<a href="01_demand_review.html">Demand review</a>' in nav
    assert '<a href="02_supply_review.html" class="current">Supply review</a>' in nav
    assert nav.count('class="current"') == 1
    assert "sop-cycles" not in nav  # no neighbouring cycle


def test_the_nav_bar_links_the_same_page_of_the_neighbouring_cycles():
    nav = nav_bar(PAGES, "02_supply_review.html", cycles=("2026-02", "2026-04"))
    assert ('<span class="sop-cycles"><a href="../2026-02/02_supply_review.html">&larr; 2026-02'
            '</a><a href="../2026-04/02_supply_review.html">2026-04 &rarr;</a></span>') in nav
    first = nav_bar(PAGES, None, cycles=(None, "2026-04"))
    assert '<a href="../2026-04/index.html">2026-04 &rarr;</a>' in first
    assert "&larr;" not in first and 'class="current"' not in first


def test_the_nav_bar_escapes_page_titles_and_links():
    nav = nav_bar([('a"b.html', EVIL)], None)
    assert "<script>" not in nav and "&lt;script&gt;" in nav
    assert 'href="a&quot;b.html"' in nav


# --- render_notebook -----------------------------------------------------------------------

@pytest.fixture
def notebook(tmp_path):
    cells = [
        new_markdown_cell("# Demand review\nThe *forecast* of the cycle."),
        new_code_cell("hidden_name = 41 + 1\nprint(hidden_name)", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="printed 42\n"),
            new_output("stream", name="stderr", text="UserWarning: noisy warning\n"),
            new_output("display_data", data={"text/html": "<table><tr><td>7</td></tr></table>"}),
            new_output("execute_result", data={"text/plain": "'a result'"}, execution_count=1),
        ]),
    ]
    path = tmp_path / "01_demand_review.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_a_notebook_renders_without_code_prompts_or_stderr(notebook, tmp_path):
    target = tmp_path / "01_demand_review.html"
    nav = nav_bar(PAGES, target.name)
    assert render_notebook(notebook, target, title="Demand <review>", nav=nav) == target
    text = target.read_text(encoding="utf-8")
    assert "<title>Demand &lt;review&gt;</title>" in text and nav in text
    assert "Demand review" in text and "<em>forecast</em>" in text
    assert "printed 42" in text and "<td>7</td>" in text and "a result" in text
    assert "hidden_name" not in text and "41 + 1" not in text  # no code
    assert "noisy warning" not in text  # no stderr
    assert "In&nbsp;[" not in text and "Out[" not in text and "[1]:" not in text  # no prompts
    assert "<script" not in text and CSP in text


def test_rendering_leaves_the_notebook_as_it_was(notebook, tmp_path):
    before = notebook.read_bytes()
    render_notebook(notebook, tmp_path / "page.html", title="T", nav="")
    assert notebook.read_bytes() == before


# --- neighbour_cycles ----------------------------------------------------------------------

def test_the_neighbours_are_the_published_cycles_just_before_and_after(tmp_path):
    for cycle in ("2025-11", "2026-01", "2026-02", "2026-05"):
        publish(tmp_path, cycle)
    publish(tmp_path, "2026-04", published=False)  # failed run: no manifest
    publish(tmp_path, "drafts")
    (tmp_path / "index.html").write_text("")
    assert neighbour_cycles(tmp_path, "2026-02") == ("2026-01", "2026-05")
    assert neighbour_cycles(tmp_path, "2026-03") == ("2026-02", "2026-05")  # unpublished itself
    assert neighbour_cycles(tmp_path, "2025-11") == (None, "2026-01")
    assert neighbour_cycles(tmp_path, "2026-05") == ("2026-02", None)


def test_a_first_cycle_has_no_neighbours(tmp_path):
    publish(tmp_path, "2026-03")
    assert neighbour_cycles(tmp_path, "2026-03") == (None, None)


# --- write_cycle_index ---------------------------------------------------------------------

def test_the_cycle_index_lists_each_page_with_its_run_time(tmp_path):
    path = write_cycle_index(tmp_path, manifest(), PAGES, cycles=("2026-02", None))
    assert path == tmp_path / "index.html"
    text = path.read_text(encoding="utf-8")
    assert "<title>S&amp;OP 2026-03</title>" in text
    assert "<h1>Garden &amp; Co: S&amp;OP pack 2026-03</h1>" in text
    assert "Proposed, not yet approved." in text and "Run finished 2026-03-04 07:12." in text
    assert ('<a href="01_demand_review.html">Demand review</a></td><td>12.3 s</td>' in text)
    assert ('<a href="02_supply_review.html">Supply review</a></td><td>0.1 s</td>' in text)
    assert 'href="sop_2026-03.xlsx"' in text and 'href="run.log"' in text
    assert 'href="plan_of_record/sku_plan.csv"' in text and 'href="manifest.json"' in text
    assert '<a href="index.html" class="current">' not in text  # "This cycle" is plain
    assert '<a href="../2026-02/index.html">&larr; 2026-02</a>' in text


def test_the_cycle_index_escapes_what_comes_from_the_data(tmp_path):
    text = write_cycle_index(tmp_path, manifest(company=EVIL, status="<b>failed</b>"),
                             [("p.html", EVIL)]).read_text(encoding="utf-8")
    assert "<script>" not in text and "<b>failed" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: S&amp;OP pack" in text


def test_the_cycle_index_says_which_tables_came_from_a_database_and_where_they_are_kept(
        tmp_path):
    sources = {"file": "sources.yaml", "tables": ["demand_history", "items"],
               "connection": "postgresql+psycopg://planner:***@db<1>/erp"}
    text = write_cycle_index(tmp_path, manifest(sources=sources), PAGES).read_text()
    assert ("<p>Read from the database postgresql+psycopg://planner:***@db&lt;1&gt;/erp: "
            "demand_history, items. The pack keeps what was read, with the company's other "
            'files, in <a href="inputs/">inputs/</a>: <code>sop run --data '
            "reports/2026-03/inputs --out another-folder</code> makes the same plan again.</p>"
            ) in text
    assert "Read from the database" not in write_cycle_index(
        tmp_path, manifest(), PAGES).read_text()


# --- write_reports_index -------------------------------------------------------------------

def test_the_reports_index_lists_published_cycles_newest_first(tmp_path):
    publish(tmp_path, "2026-01", company="Garden & Co", status="complete",
            finished="2026-01-05")
    publish(tmp_path, "2026-03", company="Garden & Co", status="complete",
            finished="2026-03-04")
    publish(tmp_path, "2026-02", published=False)
    publish(tmp_path, "archive", company="X")
    path = write_reports_index(tmp_path)
    assert path == tmp_path / "index.html"
    text = path.read_text(encoding="utf-8")
    assert text.index('href="2026-03/index.html"') < text.index('href="2026-01/index.html"')
    assert "2026-02" not in text and "archive" not in text
    assert ("<td>Garden &amp; Co</td><td>complete</td><td>2026-03-04</td>") in text
    assert "<title>S&amp;OP packs</title>" in text


def test_the_reports_index_of_no_cycle_is_an_empty_table(tmp_path):
    text = write_reports_index(tmp_path).read_text(encoding="utf-8")
    assert "<th>Cycle</th><th>Company</th><th>Status</th><th>Published</th></tr></table>" in text
    assert "<td>" not in text


def test_the_reports_index_escapes_and_tolerates_a_sparse_manifest(tmp_path):
    publish(tmp_path, "2026-03", company=EVIL)
    text = write_reports_index(tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td></td><td></td>" in text


# --- status_line ---------------------------------------------------------------------------

def test_a_proposed_pack_says_how_to_approve_it():
    line = status_line({"cycle": "2026-03"})
    assert "Proposed, not yet approved." in line
    assert "decisions/2026-03.yaml" in line and "sop approve --cycle 2026-03" in line


def test_an_approved_pack_names_who_approved_which_plan_escaped():
    approval = {"approved_by": "<b>Jo</b>", "approved_on": "2026-03-12", "scenario": "Extra shift"}
    line = status_line({"cycle": "2026-03", "approval": approval})
    assert "Approved by &lt;b&gt;Jo&lt;/b&gt; on 2026-03-12" in line
    assert "the scenario Extra shift is the plan of record" in line
    assert "are the Baseline plan as reviewed in the meeting, not Extra shift" in line
    baseline = status_line({"cycle": "2026-03", "approval": {**approval, "scenario": "Baseline"}})
    assert "the plan as proposed, the plan these pages show, is the plan of record" in baseline


def test_a_page_shows_its_status_line_above_the_notebook(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Demand")])
    nbformat.write(notebook, tmp_path / "n.ipynb")
    render_notebook(tmp_path / "n.ipynb", tmp_path / "n.html", title="t", nav="",
                    status=status_line({"cycle": "2026-03"}))
    text = (tmp_path / "n.html").read_text(encoding="utf-8")
    assert text.index("Proposed, not yet approved") < text.index(">Demand<")
