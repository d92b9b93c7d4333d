"""French typography of what the edition shows (pages, maps, the index of editions)."""

from datetime import date, datetime, timedelta, timezone

from orchestration.lib.french import (
    format_date_fr,
    format_datetime_fr,
    format_month_fr,
    format_number_fr,
    format_percent_fr,
)


def test_numbers_group_thousands_with_a_decimal_comma_and_round_half_up():
    assert format_number_fr(48276) == "48\u202f276"
    assert format_number_fr(1234.5, 1) == "1\u202f234,5"
    assert format_number_fr(7.25, 1) == "7,3"  # as people round by hand, not half to even
    assert format_number_fr(-0.04, 1) == "0,0"  # no minus sign on a zero
    assert format_number_fr(-12.25, 1) == "−12,3"
    assert format_number_fr(12, signed=True) == "+12"


def test_shares_are_whole_percentages_and_a_small_share_is_not_zero():
    assert format_percent_fr(0.764) == "76\u00a0%"
    assert format_percent_fr(0.003) == "<\u00a01\u00a0%"
    assert format_percent_fr(-0.05, signed=True) == "−5\u00a0%"


def test_dates_months_and_moments():
    assert format_date_fr(date(2026, 3, 1)) == "01/03/2026"
    assert format_month_fr(date(2026, 8, 1)) == "août 2026"
    paris = timezone(timedelta(hours=1))
    assert (
        format_datetime_fr(datetime(2026, 11, 26, 4, 18, tzinfo=paris))
        == "26 novembre 2026 à 04:18 (UTC+01:00)"
    )
    assert (
        format_datetime_fr(datetime(2027, 3, 1, 2, 0, tzinfo=paris), offset=False) == "1er mars 2027 à 02:00"
    )
    assert format_datetime_fr(datetime(2027, 3, 1, 2, 0)) == "1er mars 2027 à 02:00"  # no offset to give
