"""Property-based checks of the window arithmetic over every date 2020–2030."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules import anef_window, local_window, window_status
from core.rules.dates import add_months

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@given(expiry=dates)
def test_the_anef_window_is_61_days_long_and_ends_60_days_before_expiry(expiry):
    opens, closes = anef_window(expiry)
    assert (expiry - opens).days == 120 and (expiry - closes).days == 60
    assert (closes - opens).days + 1 == 61


@given(expiry=dates)
def test_the_local_window_opens_on_the_same_day_two_months_before_or_the_months_last_day(expiry):
    opens, closes = local_window(expiry)
    assert closes == expiry
    months_apart = (expiry.year - opens.year) * 12 + expiry.month - opens.month
    assert months_apart == 2
    if opens.day != expiry.day:  # clamped: the day did not exist in that month
        assert opens.day < expiry.day and (opens + dt.timedelta(days=1)).month != opens.month
    assert 59 <= (expiry - opens).days <= 62


@given(expiry=dates, on=dates)
def test_the_status_is_open_exactly_on_the_days_of_the_window(expiry, on):
    for opens, closes in (anef_window(expiry), local_window(expiry)):
        status = window_status(opens, closes, on)
        assert (status == "open") == (opens <= on <= closes)
        assert (status == "not-yet-open") == (on < opens)
        assert (status == "closed") == (on > closes)


@given(day=dates, months=st.integers(min_value=-24, max_value=24))
@settings(max_examples=300)
def test_adding_months_keeps_the_day_or_lands_on_the_last_day_of_the_month(day, months):
    result = add_months(day, months)
    assert (result.year - day.year) * 12 + result.month - day.month == months
    assert result.day == day.day or (result.day < day.day and (result + dt.timedelta(days=1)).day == 1)
