"""What notebooks show: escaped text and tables, charts as images with alt text."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402

from sop_lib.pack import display as shown  # noqa: E402
from sop_lib.pack.formatting import use_currency  # noqa: E402
from sop_lib.supply.adherence import adherence_summary  # noqa: E402

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"> *bold* [link](javascript:x)'


def _captured(monkeypatch):
    out = []
    monkeypatch.setattr(shown, "display", out.append)
    return out


def test_say_escapes_data_but_keeps_the_template(monkeypatch):
    out = _captured(monkeypatch)
    shown.say("**{name}** ordered", name=EVIL)
    text = out[0].data
    assert text.startswith("**") and "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text and "\\*bold\\*" in text


def test_table_escapes_cells_and_headings(monkeypatch):
    out = _captured(monkeypatch)
    shown.table(pd.DataFrame({EVIL: [EVIL], "revenue_gap_pct": [0.05]}))
    page = out[0].to_html()
    assert "<script>" not in page and "onerror=\"alert" not in page
    assert "&lt;script&gt;" in page and "+5.0%" in page and "Revenue gap %" in page


def _rendered(out) -> tuple[list[str], list[list[str]]]:
    """The headings and the rows' cell texts of the last table shown."""
    soup = BeautifulSoup(out[-1].to_html(), "html.parser")
    headings = [th.get_text(strip=True) for th in soup.thead.find_all("th")]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in soup.tbody("tr")]
    return headings, rows


def test_a_table_needs_no_formats_to_read_right(monkeypatch):
    out = _captured(monkeypatch)
    outlook = pd.DataFrame({"family": ["Grills"], "fiscal_year": ["FY2026"],
                            "forecast_revenue": [2655849.2], "gap": [-383949.6],
                            "forecast_margin_pct": [0.3448], "qualifies": [True],
                            "overtime_hours": [37.3], "month": [pd.Period("2026-11", "M")]})
    shown.table(outlook, currency="EUR")
    headings, rows = _rendered(out)
    assert headings == ["Family", "Fiscal year", "Forecast revenue (EUR)", "Gap (EUR)",
                        "Forecast margin %", "Qualifies", "Overtime hours", "Month"]
    assert rows == [["Grills", "FY2026", "2,655,849", "-383,950", "34.5%", "yes", "37",
                     "2026-11"]]


def test_the_adherence_target_reads_as_a_share(monkeypatch):
    out = _captured(monkeypatch)
    comparison = pd.DataFrame({"family": ["Grills"] * 2, "planned": [100.0, 120.0],
                               "actual": [96.0, 121.0], "difference": [-4.0, 1.0],
                               "month": pd.period_range("2026-08", periods=2, freq="M"),
                               "lag": [1, 1], "note": ["", ""]})
    shown.table(adherence_summary(comparison), status="status")
    headings, rows = _rendered(out)
    cells = dict(zip(headings, rows[0]))
    assert (cells["Adherence"], cells["Target"], cells["Difference"]) == ("97.7%", "95.0%", "-3")


def test_money_headings_take_the_notebooks_currency(monkeypatch):
    out = _captured(monkeypatch)
    use_currency("GBP")
    try:
        shown.table(pd.DataFrame({"revenue": [1.0], "units": [2.0]}))
    finally:
        use_currency(None)
    assert _rendered(out)[0] == ["Revenue (GBP)", "Units"]


def test_a_pivot_by_month_reads_in_the_tables_measure(monkeypatch):
    out = _captured(monkeypatch)
    wide = pd.DataFrame({"family": ["Grills"], "2026-11": [1234.4], "2026-12": [99.6]})
    shown.table(wide)
    assert _rendered(out)[1] == [["Grills", "1,234", "100"]]
    shown.table(wide, measure="money", currency="EUR")
    assert _rendered(out) == (["Family", "2026-11 (EUR)", "2026-12 (EUR)"],
                              [["Grills", "1,234", "100"]])


def test_a_given_format_still_wins(monkeypatch):
    out = _captured(monkeypatch)
    shown.table(pd.DataFrame({"revenue": [1234.5]}), formats={"revenue": "{:,.2f}"})
    assert _rendered(out)[1] == [["1,234.50"]]


def test_the_kpis_and_their_trend_say_each_value_in_its_unit(monkeypatch):
    out = _captured(monkeypatch)
    trend = pd.DataFrame({"kpi": ["Service", "Weeks of backlog", "Revenue"],
                          "unit": ["share", "weeks", "EUR"], "2026-10": [0.97, 7.5, 7.1e6],
                          "now": [0.9988, 8.0, 7609154.7]})
    shown.kpi_table(trend)
    assert _rendered(out) == (["KPI", "2026-10", "Now"],
                              [["Service", "97.0%", "99.9%"],
                               ["Weeks of backlog", "7.5 weeks", "8.0 weeks"],
                               ["Revenue", "EUR 7,100,000", "EUR 7,609,155"]])


def test_figure_is_an_embedded_png_with_alt_text(monkeypatch):
    out = _captured(monkeypatch)
    fig, ax = plt.subplots()
    ax.set_title('Demand "<b>"')
    shown.figure(fig)
    page = out[0].data
    assert page.startswith('<img src="data:image/png;base64,')
    assert 'alt="Chart: Demand &quot;&lt;b&gt;&quot;"' in page
    shown.figure(plt.subplots()[0], alt="Capacity by month")
    assert 'alt="Capacity by month"' in out[1].data


def test_chart_titles_from_data_are_plain_text_not_mathtext():
    from sop_lib.pack import charts

    plan = pd.DataFrame({"family": ["Pay $5 or $\\foo$"] * 2, "strategy": "MTS",
                         "month": pd.period_range("2026-01", periods=2, freq="M"),
                         "inventory": [1.0, 2.0], "backlog": 0.0, "target": [1.0, 1.0]})
    fig = charts.position_vs_target(plan)
    fig.savefig(__import__("io").BytesIO(), format="png")
    assert fig.axes[0].get_title() == "Pay $5 or $\\foo$ (MTS)"
    assert "Pay $5 or $\\foo$ (MTS)" in shown.chart_title(fig)


def test_a_table_of_small_figures_can_ask_for_decimals(monkeypatch):
    out = _captured(monkeypatch)
    effect = pd.DataFrame({"month": [pd.Period("2027-02", "M")], "statistical": [4.51],
                           "consensus_after": [6.77], "change": [2.26], "change_pct": [0.5]})
    shown.table(effect, precision=1)
    assert _rendered(out)[1] == [["2027-02", "4.5", "6.8", "+2.3", "+50.0%"]]
