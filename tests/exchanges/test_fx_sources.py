"""Each FX source's parser on a real body (tests/data/real/fx/SOURCES.md): the rate and the
source's own quote time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.fx import FxError
from exchanges.fx import parse_dunamu, parse_ecb, parse_yahoo

REAL = Path(__file__).parent.parent / "data" / "real" / "fx"


def _utc(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


def test_dunamu_rate_and_its_own_timestamp() -> None:
    rate, as_of = parse_dunamu((REAL / "dunamu_forex_recent.json").read_bytes())
    assert rate == 1169.0
    # "date":"2021-08-13","time":"20:01:49" KST == timestamp 1628852510337 ms
    assert _utc(as_of) == "2021-08-13T11:01:50.337000+00:00"


def test_ecb_rate_is_fixed_at_16_cet_on_its_date() -> None:
    rate, as_of = parse_ecb((REAL / "ecb_frankfurter_eur.json").read_bytes(), "EUR")
    assert rate == 0.94679
    assert _utc(as_of) == "2024-11-20T15:00:00+00:00"  # 16:00 CET in winter


def test_yahoo_chart_meta_price_and_market_time() -> None:
    body = (REAL / "yahoo_chart_eurusd.json").read_bytes()
    assert parse_yahoo(body, "EURUSD=X") == (1.1738, 1778648482.0)
    with pytest.raises(FxError, match="no KRW=X quote"):
        parse_yahoo(body)  # another pair's answer is never read as USD/KRW


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        (parse_dunamu, b"[]"),
        (parse_dunamu, b'[{"code":"FRX.KRWUSD","basePrice":1300}]'),  # no timestamp
        (parse_dunamu, b'[{"code":"FRX.KRWJPY","basePrice":950,"timestamp":1}]'),
        (parse_ecb, b'{"rates":{"KRW":1390.0}}'),  # no date: its age could not be judged
        (parse_ecb, b'{"date":"2024-13-40","rates":{"KRW":1390.0}}'),
        (parse_yahoo, b'{"chart":{"result":null,"error":{"code":"Not Found"}}}'),
        (parse_yahoo, b'{"chart":{"result":[{"meta":{"symbol":"KRW=X"}}]}}'),
    ],
)
def test_parsers_reject_answers_without_rate_or_time(parse: object, body: bytes) -> None:
    with pytest.raises(FxError):
        parse(body)  # type: ignore[operator]
