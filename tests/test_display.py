"""What notebooks show: escaped text and tables, charts as images with alt text."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sop_lib import display as shown  # noqa: E402

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
    assert "&lt;script&gt;" in page and "5.0%" in page and "Revenue gap %" in page


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
    from sop_lib import charts

    plan = pd.DataFrame({"family": ["Pay $5 or $\\foo$"] * 2, "strategy": "MTS",
                         "month": pd.period_range("2026-01", periods=2, freq="M"),
                         "inventory": [1.0, 2.0], "backlog": 0.0, "target": [1.0, 1.0]})
    fig = charts.position_vs_target(plan)
    fig.savefig(__import__("io").BytesIO(), format="png")
    assert fig.axes[0].get_title() == "Pay $5 or $\\foo$ (MTS)"
    assert "Pay $5 or $\\foo$ (MTS)" in shown.chart_title(fig)
