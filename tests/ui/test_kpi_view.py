"""The KPI view (Team pane's KPIs tab, an AM's mode 5): the same figures as `acct-tui report`, trends, periods."""

from __future__ import annotations

import datetime as dt

from acct_tui.core.kpi import FIGURES, TRENDS, show
from acct_tui.core.periods import parse_period
from acct_tui.services import access, kpi, money
from acct_tui.ui.widgets.kpi_view import COLUMNS, SPARK_PERIODS, spark_text
from tests import factories as f
from tests.ui.conftest import settle

TODAY = dt.date(2026, 11, 20)


def shown(app) -> list:
    table = app.screen.kpi_view.table
    return [table.row_at(i) for i in range(table.row_count)]


def report(period: str, login="lena.lead"):
    return kpi.report(access.viewer_for(login), parse_period(period, TODAY), money.rate_book("USD"), today=TODAY)


def history(org):
    a1, a2, b1 = org["a1"], org["a2"], org["b1"]
    for account in (a1, a2, b1):
        account.contract_start = dt.date(2024, 1, 1)
        account.save()
    for month, value in ((6, 1000), (9, 1100), (10, 1200)):
        f.metric(a1, dt.date(2026, month, 1), "revenue", value)
        f.metric(b1, dt.date(2026, month, 1), "revenue", 500)
    f.milestone(a1, "Renewal", "renewal", dt.date(2026, 8, 1), status="done")
    f.milestone(b1, "Renewal", "renewal", dt.date(2026, 10, 1), status="missed")
    f.action_item(a1, "kept", dt.date(2026, 11, 2), status="done", done_on=dt.date(2026, 11, 1))
    f.action_item(b1, "late", dt.date(2026, 10, 20))
    f.activity(a1, "call", dt.datetime(2026, 11, 15, 9))
    f.case(b1, dt.datetime(2026, 10, 1, 9), closed_at=dt.datetime(2026, 10, 3, 9))


async def open_kpis(app, pilot):
    await settle(app, pilot)
    await pilot.press("6")
    await settle(app, pilot)
    await pilot.press("K")
    await settle(app, pilot)


async def test_the_kpi_tab_shows_the_reports_figures_for_each_person_and_the_team(org, make_app):
    history(org)
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_kpis(app, pilot)
        view = app.screen.kpi_view
        assert "2026-Q4 (1 Oct – 31 Dec 2026, to date)" in str(view.query_one("#kpi-title").content)
        expected = report("2026-Q4")
        lines = shown(app)
        assert [line.row for line in lines] == [*expected.rows, expected.total]
        # Every cell the table paints is the report's figure, formatted the one way figures are.
        header, *painted = view.table.visible_text()
        minh = next(text for text in painted if text.startswith("Minh Pham"))
        row = expected.row("minh.pham")
        for name in ("nrr", "grr", "coverage", "on_time_rate", "renewal_rate"):
            assert show(name, getattr(row, name)) in minh
        # Sparklines: the last six quarters of the same report, oldest first.
        quarters = [parse_period("2026-Q4", TODAY).shift(-k).label for k in range(SPARK_PERIODS - 1, -1, -1)]
        past = [report(q).row("minh.pham") for q in quarters]
        minh_line = next(line for line in lines if line.row.group == "minh.pham")
        for name in TRENDS:
            assert minh_line.trends[name] == [getattr(row, name) if row else None for row in past]
        assert set(FIGURES) <= set(vars(row))
        # The detail under the table is the highlighted row's every figure.
        detail = str(view.query_one("#kpi-detail").content)
        first = lines[0].row
        assert first.label in detail and f"commitments on time {first.commitments_on_time}/{first.commitments_due}" in detail


async def test_brackets_move_the_period_and_p_switches_quarter_month_year(org, make_app):
    history(org)
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_kpis(app, pilot)
        view = app.screen.kpi_view
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert view.period.label == "2026-Q3"
        assert [line.row for line in shown(app)] == [*report("2026-Q3").rows, report("2026-Q3").total]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert view.period.label == "2027-Q1" and "not begun" in str(view.query_one("#kpi-title").content)
        await pilot.press("left_square_bracket", "p")
        await settle(app, pilot)
        assert view.period.label == "2026-11"
        assert [line.row for line in shown(app)][-1] == report("2026-11").total
        await pilot.press("p")
        await settle(app, pilot)
        assert view.period.label == "2026"
        await pilot.press("p")
        await settle(app, pilot)
        assert view.period.label == "2026-Q4"


async def test_the_team_plot_draws_eight_quarters_of_nrr_and_coverage(org, make_app):
    history(org)
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_kpis(app, pilot)
        view = app.screen.kpi_view
        axis = str(view.query_one("#plot-nrr-axis").content)
        assert axis.split("\n")[0].split() == ["Q1", "25", "Q2", "25", "Q3", "25", "Q4", "25", "Q1", "26", "Q2", "26", "Q3", "26", "Q4", "26"]
        assert show("nrr", report("2026-Q4").total.nrr) in axis
        assert len(view.query_one("#plot-coverage").data) == 8 * 7


async def test_a_save_recomputes_the_figures(org, make_app):
    history(org)
    app = make_app("lena.lead")
    async with app.run_test(size=(160, 45)) as pilot:
        await open_kpis(app, pilot)
        before = report("2026-Q4").row("minh.pham").commitments_due
        f.action_item(org["a1"], "another late one", dt.date(2026, 10, 5))
        app.data_changed()
        await settle(app, pilot)
        minh = next(line.row for line in shown(app) if line.row.group == "minh.pham")
        assert minh.commitments_due == before + 1


def test_sparklines_scale_to_the_series_and_mark_empty_periods():
    assert spark_text([0.5, None, 1.0, 0.75]).plain == "▁·█▅"
    assert spark_text([1.0, 1.0]).plain == "▄▄"
    assert spark_text([None, None]).plain == "··"


def test_every_column_has_a_header():
    assert all(column.label for column in COLUMNS)
