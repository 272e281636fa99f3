"""Chart geometry: text at a fixed size that never shrinks with the screen, labels wrapped
onto their own lines above each bar, and nothing placed on top of anything else.

Findings: report charts were unreadable at 320 px (labels about 6 px, because the whole
drawing was scaled down); trend labels collided with the axis and were clipped at 1280 px.
The browser test (tests/browser/test_pulse_charts.py) measures the drawn text."""

from __future__ import annotations

from village.pulse.charts import LABEL_CHARS, MAX_BAR_PERCENT, TEXT_PX, bar_chart

LONG = "Families Together (lived experience) (with smaller teams included)"


def test_nothing_is_drawn_when_nothing_can_be_shown() -> None:
    assert bar_chart(title="Empty", rows=[], low=0, high=100) is None
    assert bar_chart(title="Hidden", rows=[("A", None)], low=0, high=100) is None


def test_text_is_at_least_twelve_pixels_and_never_scaled() -> None:
    chart = bar_chart(title="T", rows=[("A", 50.0)], low=0, high=100)
    assert chart is not None
    assert TEXT_PX >= 12
    assert not hasattr(chart, "view_box"), "drawn at its real size, so text never shrinks"


def test_long_labels_wrap_onto_lines_of_their_own() -> None:
    chart = bar_chart(title="T", rows=[(LONG, 3.2), ("Short", 4.0)], low=1, high=5)
    assert chart is not None
    long_bar, short_bar = chart.bars
    assert len(long_bar.lines) >= 2
    assert all(len(line.text) <= LABEL_CHARS for line in long_bar.lines)
    assert " ".join(line.text for line in long_bar.lines) == LONG
    assert [line.text for line in short_bar.lines] == ["Short"]


def test_rows_stack_without_overlapping() -> None:
    rows = [(LONG, 1.0), ("B", 5.0), ("A much longer label than most of the others", None)]
    chart = bar_chart(title="T", rows=rows, low=1, high=5)
    assert chart is not None
    bottom = 0.0
    for bar in chart.bars:
        tops = [line.y - TEXT_PX for line in bar.lines]
        assert min(tops) >= bottom, "each row starts below the one before"
        assert bar.bar_y >= max(line.y for line in bar.lines) + 2, "the bar is below its label"
        bottom = bar.bar_y + bar.bar_height
    assert chart.height >= bottom + TEXT_PX, "the scale line fits underneath"


def test_bars_leave_room_for_their_value_and_hidden_rows_say_so() -> None:
    chart = bar_chart(title="T", rows=[("Low", 1.0), ("High", 5.0), ("Gone", None)], low=1, high=5)
    assert chart is not None
    low, high, gone = chart.bars
    assert float(low.width.rstrip("%")) > 0
    assert float(high.width.rstrip("%")) == MAX_BAR_PERCENT <= 80
    assert high.text == "5" and not gone.shown and gone.text == ""
    assert "Gone: not shown" in chart.aria_label and "High: 5" in chart.aria_label
    assert chart.scale == "Scale from 1 to 5"
