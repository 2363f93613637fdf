"""Backfill: replaying past cycles' statistical forecasts into the plan archive."""
import dataclasses
import hashlib
import json

import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.data.sample import write_sample
from sop_lib.data.validation import load_company
from sop_lib.demand.accuracy import accuracy_by_family, sku_actuals
from sop_lib.demand.backfill import backfill, truncate_history
from sop_lib.demand.forecast import statistical_forecast
from sop_lib.store.archive import ARTIFACTS, archived_cycles, cycle_folder, load_archive
from sop_lib.store.artifacts import ArtifactStore
from tests.builders import company_from_rows

FIRST_MONTH = pd.Period("2023-01", freq="M")
MONTHS = 20  # history 2023-01 .. 2024-08


def M(text):
    return pd.Period(text, freq="M")


def tiny_company(*, folder=None, files=None):
    """Two SKUs of family F with 20 months of history; Z is inactive but booked until 2024-05."""
    history = []
    for step in range(MONTHS):
        month = str(FIRST_MONTH + step)
        history.append({"sku": "A", "month": month, "bookings": 10 + step % 3, "shipments": 10})
        history.append({"sku": "B", "month": month, "bookings": 20 + 2 * (step % 4),
                        "shipments": 20})
        history.append({"sku": "Z", "month": month,
                        "bookings": 5 if month <= "2024-05" else 0, "shipments": 0})
    company = company_from_rows(
        items=[{"sku": "A", "family": "F", "status": "active", "unit_price": 1},
               {"sku": "B", "family": "F", "status": "active", "unit_price": 1},
               {"sku": "Z", "family": "F", "status": "inactive", "unit_price": 1}],
        families=[{"family": "F", "strategy": "MTS"}],
        demand_history=history,
        inventory=[{"sku": "A", "month": str(FIRST_MONTH + s), "on_hand": s}
                   for s in range(MONTHS)],
        production_history=[{"family": "F", "month": str(FIRST_MONTH + s), "quantity": 30}
                            for s in range(MONTHS)])
    if folder is not None:
        company = dataclasses.replace(company, folder=folder, files=files or {})
    return company


class RecordingForecaster:
    """Forecasts every SKU as the cycle's number of months of history; records what it saw."""

    def __init__(self):
        self.seen = []

    def __call__(self, company, *, cycle, horizon):
        history = company.demand_history
        self.seen.append({"cycle": cycle, "horizon": horizon,
                          "last_demand": history["month"].max(),
                          "last_inventory": company.inventory["month"].max(),
                          "last_production": company.production_history["month"].max(),
                          "active": sorted(company.items.loc[
                              company.items["status"] != "inactive", "sku"])})
        return pd.DataFrame([{"sku": sku, "family": "F", "month": cycle + step,
                              "forecast": float(history["month"].nunique()), "method": "fake"}
                             for sku in ("A", "B") for step in range(horizon)])


def quiet(messages):
    return messages.append


# --- truncate_history ---------------------------------------------------------------------

def test_truncate_history_hides_every_month_from_the_cycle_on():
    company = tiny_company()
    past = truncate_history(company, "2024-03")
    for name in ("demand_history", "inventory", "production_history"):
        assert past.tables[name]["month"].max() == M("2024-02")
        assert past.tables[name]["month"].min() == FIRST_MONTH
    assert past.last_closed_month == M("2024-02")
    assert past.default_cycle == M("2024-03")
    assert company.last_closed_month == M("2024-08")  # the original is unchanged
    assert past.families is company.families


def test_an_inactive_sku_that_still_sold_after_the_cycle_is_active_then():
    company = tiny_company()
    assert truncate_history(company, "2024-05").items.set_index("sku")["status"]["Z"] == "active"
    assert truncate_history(company, "2024-06").items.set_index("sku")["status"]["Z"] == \
        "inactive"
    assert company.items.set_index("sku")["status"]["Z"] == "inactive"


# --- which cycles ---------------------------------------------------------------------------

def test_backfill_writes_each_cycle_from_history_before_it(tmp_path):
    fake, messages = RecordingForecaster(), []
    written = backfill(tiny_company(), tmp_path, first=M("2024-02"), last=M("2024-04"),
                       horizon=3, forecaster=fake, progress=quiet(messages))
    assert written == [tmp_path / "2024-02", tmp_path / "2024-03", tmp_path / "2024-04"]
    assert [s["cycle"] for s in fake.seen] == [M("2024-02"), M("2024-03"), M("2024-04")]
    for seen in fake.seen:
        assert seen["last_demand"] == seen["cycle"] - 1
        assert seen["last_inventory"] == seen["cycle"] - 1
        assert seen["last_production"] == seen["cycle"] - 1
        assert seen["horizon"] == 3
    assert archived_cycles(tmp_path) == [M("2024-02"), M("2024-03"), M("2024-04")]
    assert messages[0] == "backfill 2024-02 (1/3) ..."
    assert messages[1].startswith("backfill 2024-02 (1/3) done in ")


def test_a_backfilled_cycle_is_a_forecast_and_a_record_without_manifest(tmp_path):
    source = tmp_path / "data" / "demand_history.csv"
    source.parent.mkdir()
    source.write_text("sku,month,bookings,shipments\n")
    company = tiny_company(folder=source.parent, files={"demand_history": source})
    backfill(company, tmp_path / "reports", first="2024-04", last="2024-04", horizon=2,
             forecaster=RecordingForecaster(), progress=quiet([]))
    folder = tmp_path / "reports" / "2024-04"
    assert sorted(p.name for p in folder.iterdir()) == ["artifacts", "backfill.json"]
    assert [p.name for p in (folder / "artifacts").iterdir()] == ["forecast.parquet"]
    record = json.loads((folder / "backfill.json").read_text())
    assert record["kind"] == "backfill"
    assert (record["cycle"], record["history_through"], record["horizon"]) == \
        ("2024-04", "2024-03", 2)
    assert record["demand_history"]["file"] == "demand_history.csv"
    assert record["demand_history"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["forecaster"] == f"{__name__}.RecordingForecaster"
    assert record["created"]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["2024-04"]


def test_the_archive_reads_the_backfilled_forecast(tmp_path):
    backfill(tiny_company(), tmp_path, first="2024-02", last="2024-04", horizon=3,
             forecaster=RecordingForecaster(), progress=quiet([]))
    archive = load_archive(tmp_path, lags=(1, 3))
    lag1 = archive[(archive["lag"] == 1) & (archive["sku"] == "A")]
    assert lag1["month"].tolist() == [M("2024-02"), M("2024-03"), M("2024-04")]
    assert lag1["statistical"].tolist() == [13.0, 14.0, 15.0]  # months of history seen
    assert archive["consensus"].isna().all()


def test_published_packs_are_never_overwritten(tmp_path):
    pack = tmp_path / "2024-03"
    (pack / "artifacts").mkdir(parents=True)
    (pack / "manifest.json").write_text('{"status": "published"}')
    (pack / "artifacts" / "forecast.parquet").write_text("the real plan")
    fake, messages = RecordingForecaster(), []
    written = backfill(tiny_company(), tmp_path, first="2024-02", last="2024-04", horizon=2,
                       forecaster=fake, progress=quiet(messages))
    assert written == [tmp_path / "2024-02", tmp_path / "2024-04"]
    assert [s["cycle"] for s in fake.seen] == [M("2024-02"), M("2024-04")]
    assert (pack / "artifacts" / "forecast.parquet").read_text() == "the real plan"
    assert not (pack / "backfill.json").exists()
    assert any(m.startswith("backfill 2024-03 (2/3) skipped: a published pack") for m in messages)


def test_a_folder_that_is_not_a_backfill_is_left_alone(tmp_path):
    (tmp_path / "2024-03").mkdir()
    (tmp_path / "2024-03" / "notes.txt").write_text("mine")
    messages = []
    written = backfill(tiny_company(), tmp_path, first="2024-03", last="2024-03", horizon=2,
                       forecaster=RecordingForecaster(), progress=quiet(messages))
    assert written == []
    assert (tmp_path / "2024-03" / "notes.txt").read_text() == "mine"
    assert "not a backfill" in messages[0]


def test_running_backfill_again_replaces_the_backfill(tmp_path):
    options = {"first": "2024-02", "last": "2024-03", "horizon": 2, "progress": quiet([])}
    backfill(tiny_company(), tmp_path, forecaster=RecordingForecaster(), **options)
    (tmp_path / "2024-02" / "stale.txt").write_text("left from before")
    first = load_archive(tmp_path)
    backfill(tiny_company(), tmp_path, forecaster=RecordingForecaster(), **options)
    pd.testing.assert_frame_equal(load_archive(tmp_path), first)
    assert not (tmp_path / "2024-02" / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-02", "2024-03"]


def test_a_failed_write_keeps_the_earlier_backfill(tmp_path):
    options = {"first": "2024-02", "last": "2024-02", "horizon": 2, "progress": quiet([])}
    backfill(tiny_company(), tmp_path, forecaster=RecordingForecaster(), **options)
    before = load_archive(tmp_path)

    def unwritable(company, *, cycle, horizon):
        return pd.DataFrame({"sku": [1, "mixed types parquet cannot store"]})

    with pytest.raises(ValueError):  # pyarrow's ArrowInvalid
        backfill(tiny_company(), tmp_path, forecaster=unwritable, **options)
    pd.testing.assert_frame_equal(load_archive(tmp_path), before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-02"]


@pytest.mark.parametrize("first, last", [
    ("2024-01", "2024-01"),  # 12 months of history before it: too few
    ("2024-08", "2024-09"),  # 2024-09 is not closed yet
    ("2024-04", "2024-03"),  # backwards
    ("2024-13", "2024-04"),  # not a month
])
def test_cycles_outside_the_history_are_parameter_errors(tmp_path, first, last):
    fake = RecordingForecaster()
    with pytest.raises(ParameterError, match="backfill"):
        backfill(tiny_company(), tmp_path, first=first, last=last, forecaster=fake,
                 progress=quiet([]))
    assert fake.seen == [] and not tmp_path.joinpath(first).exists()


def test_the_widest_range_is_accepted(tmp_path):
    fake = RecordingForecaster()
    backfill(tiny_company(), tmp_path, first="2024-02", last="2024-08", horizon=1,
             forecaster=fake, progress=quiet([]))
    assert len(fake.seen) == 7


def test_the_horizon_defaults_to_the_companys(tmp_path):
    fake = RecordingForecaster()
    backfill(tiny_company(), tmp_path, first="2024-08", last="2024-08", forecaster=fake,
             progress=quiet([]))
    assert fake.seen[0]["horizon"] == 18


# --- with the real statistical forecast ----------------------------------------------------

def test_backfill_with_the_statistical_forecast_feeds_accuracy(tmp_path):
    company = tiny_company()
    backfill(company, tmp_path, first="2024-04", last="2024-06", horizon=3, progress=quiet([]))
    archive = load_archive(tmp_path, lags=(1, 3))
    expected = statistical_forecast(truncate_history(company, "2024-04"), cycle=M("2024-04"),
                                    horizon=3)
    from_cycle = archive[archive["cycle"] == M("2024-04")]
    lag3 = from_cycle[from_cycle["lag"] == 3].set_index("sku")["statistical"]
    want = expected[expected["month"] == M("2024-06")].set_index("sku")["forecast"]
    pd.testing.assert_series_equal(lag3, want, check_names=False)
    assert sorted(set(from_cycle["sku"])) == ["A", "B", "Z"]  # Z still sold in 2024-04
    accuracy = accuracy_by_family(archive, sku_actuals(company))
    months = accuracy.set_index(["family", "lag"])["months"]
    # lag 1: Apr-Jun from cycles Apr-Jun; lag 3: Jun-Aug from the same cycles
    assert months[("F", 1)] == 3 and months[("F", 3)] == 3
    total = accuracy.set_index(["family", "lag"]).loc[("Total", 1)]
    assert 0 <= total["wape_statistical"] < 0.5


def test_each_backfilled_cycle_is_the_statistical_forecast_of_its_history(tmp_path):
    company = load_company(write_sample(tmp_path / "company", seed=5, skus=14, months=30))
    cycles = [company.last_closed_month - 4, company.last_closed_month]
    backfill(company, tmp_path / "reports", first=cycles[0], last=cycles[1], horizon=3,
             progress=quiet([]))
    for cycle in pd.period_range(*cycles, freq="M"):
        written = ArtifactStore(cycle_folder(tmp_path / "reports", cycle) / ARTIFACTS)
        alone = statistical_forecast(truncate_history(company, cycle), cycle=cycle, horizon=3)
        pd.testing.assert_frame_equal(written.read("forecast"), alone)
