"""`sop approve`: publish a cycle's pack as approved, from the meeting's decisions file.

The proposed pack stays what the meeting reviewed: its pages, KPIs and agenda are re-published
unchanged, with a line saying who approved which plan. The adopted scenario's plan (planned as
the pack's scenario comparison planned it, so with its figures) becomes the pack's `plan`,
`consensus` and `money` artifacts and its plan of record, so that every later cycle reading the
archive (time fence, plan adherence, bridge, forecast accuracy) measures against the approved
plan; the proposed ones are kept as `proposed_plan`, `proposed_consensus`, `proposed_money`.
Like `sop run`, it works in a staging folder under the cycle's lock and swaps the pack in one
rename; the pack it replaces is kept.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from sop_lib.core.errors import DataError, Problem, RunError
from sop_lib.core.months import month_label, to_month
from sop_lib.data.decisions import DecisionRegister, decisions_path, read_decisions
from sop_lib.data.validation import load_company
from sop_lib.pack.approval import write_approval_page
from sop_lib.pack.excel import write_cycle_workbook
from sop_lib.pack.plan_of_record import write_plan_of_record
from sop_lib.pack.report import (
    nav_bar,
    neighbour_cycles,
    render_notebook,
    status_line,
    write_cycle_index,
    write_reports_index,
)
from sop_lib.presop.scenario_review import adopted_plan
from sop_lib.presop.scenarios import scenario_files
from sop_lib.run.runner import PAGES, REPORTS_DIR
from sop_lib.run.steps import STEPS
from sop_lib.store.archive import (
    REPLACED,
    cycle_folder,
    is_published,
    keep_replaced,
    published_manifest,
    replace_folder,
)
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.cycle import PlanningCycle
from sop_lib.store.inputs import inputs_folder
from sop_lib.store.lock import cycle_lock
from sop_lib.store.manifest import input_hashes, now, write_manifest
from sop_lib.store.pack_decisions import pack_choices

ADOPTED = ("plan", "consensus", "money")
PROPOSED_PREFIX = "proposed_"


def approve_cycle(*, data_dir, cycle: str, reports_dir=REPORTS_DIR, progress=print) -> Path:
    """Re-publish `reports_dir/<cycle>` as approved from `data_dir/decisions/<cycle>.yaml`.

    Raises RunError when the cycle has no published pack, DataError when the decisions file is
    missing or wrong or when the company's inputs changed since the pack was published (the
    meeting approved what the pack showed), LockedError when a run of the cycle is going on.
    """
    month = to_month(cycle)
    label, reports_dir = month_label(month), Path(reports_dir).resolve()
    pack = cycle_folder(reports_dir, month)
    if not is_published(pack):
        raise RunError(f"there is no published pack of {label} in {reports_dir}: run "
                       f"`sop run --cycle {label}` first, review it, then approve it")
    with cycle_lock(reports_dir, label, report=progress):
        manifest = published_manifest(reports_dir, month)
        # A pack that read a database approves the inputs it kept, as the meeting saw them.
        company = load_company(inputs_folder(pack) or data_dir, cycle=month)
        _check_unchanged(company, manifest)
        register = read_decisions(data_dir, month, **pack_choices(reports_dir, month))
        if register is None:
            raise DataError([Problem(str(decisions_path(data_dir, month)),
                                     "no decisions file: record the meeting's decisions (see "
                                     "docs/examples/decisions-2026-11.yaml) and approve again")])
        progress(f"Approving {label}: {register.scenario} adopted by {register.approved_by}")
        run = PlanningCycle(company, month, int(manifest["parameters"]["horizon"]), reports_dir)
        work = reports_dir / f".staging-approve-{label}-{os.getpid()}"
        try:
            shutil.copytree(pack, work / label, ignore=shutil.ignore_patterns(REPLACED))
            _approve(work / label, run, register, manifest, reports_dir)
            keep_replaced(pack, work / label)
            target = replace_folder(work / label, pack)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    write_reports_index(reports_dir)
    progress(f"Approved {target / 'approval.html'}")
    return target


def _check_unchanged(company, manifest: dict) -> None:
    """The company's files and scenarios are those the pack was made from."""
    current = input_hashes([*company.files.values(), *scenario_files(company.folder)])
    published = manifest["inputs"]
    changed = sorted(name for name in current.keys() | published.keys()
                     if current.get(name) != published.get(name))
    if changed:
        raise DataError([Problem(name, "changed since the pack was published; the meeting "
                                 "approved the pack as it was: run the cycle again, review it, "
                                 "then approve it") for name in changed])


def _approve(folder: Path, run: PlanningCycle, register: DecisionRegister, manifest: dict,
             reports_dir: Path) -> None:
    """Turn the copy of the proposed pack in `folder` into the approved pack."""
    store = ArtifactStore(folder / "artifacts")
    proposed = {name: store.read(PROPOSED_PREFIX + name) if store.has(PROPOSED_PREFIX + name)
                else store.read(name) for name in ADOPTED}
    store.write_all({PROPOSED_PREFIX + name: frame for name, frame in proposed.items()})
    chosen = adopted_plan(run, store.read("demand"), proposed["consensus"], register.scenario)
    adopted = {"plan": chosen.plan, "consensus": chosen.consensus, "money": chosen.money}
    store.write_all(adopted)
    write_plan_of_record(folder / "plan_of_record", adopted["plan"], adopted["consensus"],
                         adopted["money"])
    manifest.update(status="approved", approval={
        "approved_by": register.approved_by, "approved_on": register.approved_on.isoformat(),
        "scenario": register.scenario, "decisions_file": register.path.name,
        "decisions_sha256": register.sha256, "approved_at": now()})
    agenda = store.read("decisions")
    taken = _taken(agenda, register)
    store.write_all({"decisions_taken": taken, "actions": register.actions})
    _republish(folder, manifest, store, taken, register, reports_dir)


def _taken(agenda: pd.DataFrame, register: DecisionRegister) -> pd.DataFrame:
    """The agenda with each item's outcome and note ("not decided" where the file is silent)."""
    decided = register.decisions.rename(columns={"item": "rank"})
    taken = agenda.merge(decided, on="rank", how="left")
    return taken.fillna({"outcome": "not decided", "note": ""})


def _republish(folder: Path, manifest: dict, store: ArtifactStore, taken: pd.DataFrame,
               register: DecisionRegister, reports_dir: Path) -> None:
    """Pages with the approval line, the Approval page, the Excel pack, manifest and index."""
    label = manifest["cycle"]
    cycles = neighbour_cycles(reports_dir, label)
    pages = [*PAGES, ("approval.html", "Approval")]
    for step in STEPS:
        render_notebook(folder / f"{step.notebook}.ipynb", folder / f"{step.notebook}.html",
                        title=f"{step.title} {label}", status=status_line(manifest),
                        nav=nav_bar(pages, f"{step.notebook}.html", cycles=cycles))
    comparison = store.read("scenario_comparison")
    write_approval_page(folder, manifest=manifest,
                        adopted=comparison[comparison["scenario"] == register.scenario],
                        taken=taken, actions=register.actions, notes=register.notes,
                        nav=nav_bar(pages, "approval.html", cycles=cycles))
    adopted = _adopted_words(register.scenario)
    write_cycle_workbook(folder / f"sop_{label}.xlsx", store,
                         title=(f"{manifest['company']}: S&OP {label}, approved by "
                                f"{register.approved_by} on {register.approved_on.isoformat()}, "
                                f"adopting {adopted} (its figures: approval.html; these sheets "
                                "show the plan as reviewed)"),
                         currency=manifest["currency"], decisions=taken,
                         headlines=[f"Approved: {adopted[:1].upper() + adopted[1:]}."])
    write_manifest(folder, manifest)
    write_cycle_index(folder, manifest, pages, cycles=cycles)


def _adopted_words(scenario: str) -> str:
    return "the plan as proposed" if scenario == "Baseline" else f"the scenario {scenario}"
