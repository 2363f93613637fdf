"""Screenshots of the notebooks' panels in a real JupyterLab, for the README.

Opens a notebook of a throwaway copy of the project (the sample company, or --company) in
JupyterLab with headless Chromium, runs all its cells, picks one cell (--cell-with, a piece of its
source, or --cell, its index in the notebook), does the actions given in their order inside that
cell's output (type into a text box, choose in a list, click a button), waits for the kernel, and
saves a PNG of the cell's output (or of --selector inside it). Nothing is written into the
working tree except the PNG. Same harness as tests/interactive/test_jupyterlab.py
(tests/interactive/jupyterlab.py); needs the dev extra (JupyterLab, Playwright) and Chromium.

Usage, from the project root:

    .venv/bin/python docs/lab_screenshots.py NOTEBOOK (--cell-with TEXT | --cell N)
        [--type LABEL=TEXT] [--select LABEL=OPTION[|OPTION...]] [--click TEXT] [--wait SECONDS]
        [--selector CSS] [--width 1280] [--height 1600] [--scale 1] --out PNG

    --type LABEL=TEXT       fill the text box whose label (ipywidgets description) or
                            placeholder contains LABEL, then press Enter
    --select LABEL=A|B      in the list or dropdown labelled LABEL, choose the options whose
                            text contains A, B, ... (several for a multiple selection)
    --click TEXT            click the first button whose text contains TEXT
    --wait SECONDS          pause (after each action the kernel is already waited for)

Labels and button texts are matched as case-insensitive substrings. The README's Lab pictures:

    # the override editor: the overrides in force, and one picked to change (notebook 01)
    .venv/bin/python docs/lab_screenshots.py 01_demand_review --cell-with "OverrideEditor(" \\
        --height 2600 --select "Override in force=Grills" --type "Value=12" \\
        --type "Asked by=S. Patel (Sales)" --type "Reason=Fair bigger than planned" \\
        --out docs/lab-overrides.png
    # the explorer comparing three SKUs (notebook 01)
    .venv/bin/python docs/lab_screenshots.py 01_demand_review --cell-with "Explorer(" \\
        --type "Find a family or SKU=CS-00" \\
        --select "Families and SKUs=CS-001|CS-002|CS-003" --out docs/lab-explorer-compare.png
    # the scenario panel: Grills demand +20% beside the baseline (notebook 03)
    .venv/bin/python docs/lab_screenshots.py 03_pre_sop --cell-with "ScenarioPanel(" \\
        --height 2800 --select "Demand of family=Grills" --type "Demand change=20" \\
        --click "Recompute" --out docs/lab-scenario.png
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.interactive import jupyterlab  # noqa: E402

KINDS = ("type", "select", "click", "wait")


class _Step(argparse.Action):
    """Keep the actions in the order given on the command line."""

    def __call__(self, parser, namespace, value, option_string=None):
        namespace.steps = [*(getattr(namespace, "steps", None) or []), (self.dest, value)]


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Screenshot a notebook cell's output in a real JupyterLab "
                    "(see the module docstring for examples).")
    parser.add_argument("notebook", help="the notebook's name, e.g. 01_demand_review")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--cell-with", help="the first code cell whose source contains this text")
    where.add_argument("--cell", type=int, help="the cell's index in the notebook (from 0)")
    for kind in KINDS:
        parser.add_argument(f"--{kind}", dest=kind, action=_Step, metavar=kind.upper())
    parser.add_argument("--selector", help="CSS selector of the element to capture inside the "
                                           "cell's output (default: the whole output)")
    parser.add_argument("--out", required=True, type=Path, help="the PNG to write")
    parser.add_argument("--company", type=Path, default=jupyterlab.SAMPLE,
                        help="the company folder to copy as data/sample (default: the sample)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600,
                        help="the window's height: a taller output is cut to the window")
    parser.add_argument("--scale", type=float, default=1, help="device pixel ratio (2: sharper)")
    arguments = parser.parse_args(argv)
    arguments.steps = getattr(arguments, "steps", None) or []
    return arguments


def _pair(value: str) -> tuple[str, str]:
    label, sep, text = value.partition("=")
    if not sep:
        raise SystemExit(f"expected LABEL=VALUE, got {value!r}")
    return label.strip(), text


def _labelled(page, area, label: str):
    """The ipywidgets control labelled `label` in `area` (its description; else a placeholder)."""
    box = area.locator(".widget-inline-hbox").filter(
        has=page.locator("label.widget-label", has_text=label))
    if box.count():
        return box.first
    field = area.get_by_placeholder(label)
    if field.count():
        return field.first
    raise SystemExit(f"no control labelled {label!r} in the cell's output")


def _idle(page) -> None:
    """Let the kernel take the widget's message, then wait until it is idle again."""
    time.sleep(0.5)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget"
                           ".sessionContext.session.kernel.status === 'idle'")
    time.sleep(0.5)


def _act(page, area, kind: str, value: str) -> None:
    if kind == "wait":
        time.sleep(float(value))
        return
    if kind == "click":
        area.locator("button", has_text=value).first.click()
    elif kind == "type":
        label, text = _pair(value)
        control = _labelled(page, area, label)
        field = control if control.evaluate("n => n.matches('input, textarea')") else \
            control.locator("input, textarea").first
        field.fill(text)
        field.press("Enter")
    elif kind == "select":
        label, wanted = _pair(value)
        control = _labelled(page, area, label).locator("select").first
        options = control.locator("option").all_inner_texts()
        chosen = []
        for piece in filter(None, (p.strip() for p in wanted.split("|"))):
            found = [o for o in options if piece.lower() in o.lower()]
            if not found:
                raise SystemExit(f"no option containing {piece!r} in {label!r}: {options[:20]}")
            chosen.append(found[0])
        control.select_option(label=chosen)
    _idle(page)


def screenshot(arguments: argparse.Namespace) -> Path:
    reason = jupyterlab.missing()
    if reason:
        raise SystemExit(reason)
    with tempfile.TemporaryDirectory(prefix="sop-screenshots-") as folder:
        root = jupyterlab.lab_project(Path(folder), company=arguments.company)
        with jupyterlab.jupyter_lab(root) as lab, jupyterlab.LabBrowser(
                lab, width=arguments.width, height=arguments.height,
                scale=arguments.scale) as browser:
            page = browser.open(f"notebooks/{arguments.notebook}.ipynb")
            page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # the full width
            cells = browser.run_all(page)
            problems = [problem for cell in cells for problem in cell.problems()]
            if problems:
                print("\n".join(["warning: the notebook shows errors:", *problems]),
                      file=sys.stderr)
            if arguments.cell is not None:
                index = arguments.cell
            else:
                index = next((cell.index for cell in cells if cell.type == "code"
                              and arguments.cell_with in cell.source), None)
                if index is None:
                    raise SystemExit(f"no code cell contains {arguments.cell_with!r}")
            area = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(
                ".jp-Cell-outputArea")
            for kind, value in arguments.steps:
                _act(page, area, kind, value)
            outputs = area.locator(":scope > .jp-OutputArea-child > .jp-OutputArea-output")
            if arguments.selector:
                target = area.locator(arguments.selector).first
            else:  # the cell's one output without its prompt, else the whole output area
                target = outputs.first if outputs.count() == 1 else area
            target.scroll_into_view_if_needed()
            time.sleep(0.5)
            arguments.out.parent.mkdir(parents=True, exist_ok=True)
            target.screenshot(path=str(arguments.out), animations="disabled")
            browser.shut_down(page)
    return arguments.out


def main(argv=None) -> None:
    print(screenshot(_arguments(argv)))


if __name__ == "__main__":
    main()
