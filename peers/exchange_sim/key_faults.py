"""What a venue says about the API key itself, for the pre-flight check (`python -m bot doctor`):
Binance's `GET /sapi/v1/account/apiRestrictions`, Upbit's `GET /v1/api_keys`, and switches that
make the venues answer like they do for a revoked key, a server IP not on the key's allow-list,
a key allowed to withdraw or not to trade, an account in hedge mode or a clock that is off.

```python
sim.keys.set("binance", withdrawals=True)       # apiRestrictions.enableWithdrawals
sim.keys.set("upbit", ip_refused=True)          # 401 no_authorization_ip on every private call
sim.keys.set("binance", hedge_mode=True)        # GET /fapi/v1/positionSide/dual -> true
sim.keys.set("upbit", clock_ms=2000)            # the Date header runs 2 s ahead (also "bithumb")
```
Over HTTP: `POST /__sim/keys {"venue": "binance", "revoked": true}` on any venue port. Binance
spot and USDⓈ-M share one key ("binance"). The clock of Binance is the fault controller's
`clock_skew` (its `/time` and timestamp checks); Upbit's only visible clock is its `Date` header.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email.utils
import time
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from peers.exchange_sim.binance_auth import Call, Security
from peers.exchange_sim.faults import FaultController, Handler

KEY_VENUES = ("upbit", "binance", "bithumb")
KST = dt.timezone(dt.timedelta(hours=9))
BINANCE_KEY_ERROR = "Invalid API-key, IP, or permissions for action."
UPBIT_ERRORS = {
    "revoked": ("invalid_access_key", "잘못된 엑세스 키입니다."),
    "ip_refused": ("no_authorization_ip", "This is not a verified IP."),
    "trading": ("out_of_scope", "권한이 부족합니다."),
}


@dataclass(slots=True)
class KeyState:
    revoked: bool = False  # the venue no longer knows the key (deleted, mistyped)
    ip_refused: bool = False  # this server's IP is not on the key's allow-list
    withdrawals: bool = False  # the key may withdraw
    trading: bool = True  # the key may place orders
    futures: bool = True  # Binance: the key may trade USDⓈ-M futures
    hedge_mode: bool = False  # Binance USDⓈ-M: dual-side (hedge) position mode
    expires_in_days: float = 300.0  # Upbit: the key's expire_at
    clock_ms: int = 0  # Upbit: how far the Date header runs ahead (negative: behind)


class KeyFaults:
    """Per-venue key switches (see module docstring). `futures` is the USDⓈ-M venue, whose
    position mode follows the `hedge_mode` switch."""

    def __init__(self, faults: FaultController, futures: Any = None) -> None:
        self._faults = faults
        self._futures = futures
        self._v = {k: KeyState() for k in KEY_VENUES}

    def get(self, venue: str) -> KeyState:
        key = "binance" if venue == "binance_futures" else venue
        try:
            return self._v[key]
        except KeyError:
            raise ValueError(f"unknown venue {venue!r}; expected one of {KEY_VENUES}") from None

    def set(self, venue: str, **switches: Any) -> dict[str, Any]:
        state = self.get(venue)
        names = {f.name for f in dataclasses.fields(KeyState)}
        for name, value in switches.items():
            if name not in names:
                raise ValueError(f"unknown key switch {name!r}; expected one of {sorted(names)}")
            setattr(state, name, value)
        if self._futures is not None and venue in ("binance", "binance_futures"):
            self._futures.dual_side_position = state.hedge_mode
        return dataclasses.asdict(state)

    def clear(self) -> None:
        for venue in KEY_VENUES:
            self.set(venue, **dataclasses.asdict(KeyState()))

    # --- wiring -------------------------------------------------------------------------------

    def middleware(self, venue: str) -> Any:
        """Answer keyed requests as the venue does for a revoked key or a refused IP, and shift
        Upbit's `Date` header."""

        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            if request.path.startswith("/__sim") or request.headers.get("Upgrade"):
                return await handler(request)
            if venue in ("binance", "binance_futures"):
                refused = self._binance_refusal(request)
                if refused is not None:
                    return refused
                return await handler(request)
            if venue == "upbit":
                refused = self._upbit_refusal(request)
                response = refused if refused is not None else await handler(request)
                skew = self.get("upbit").clock_ms
                if skew and isinstance(response, web.Response):
                    response.headers["Date"] = email.utils.formatdate(
                        time.time() + skew / 1000, usegmt=True
                    )
                return response
            if venue == "bithumb":  # only its Date header: its private side checks keys itself
                response = await handler(request)
                skew = self.get("bithumb").clock_ms
                if skew and isinstance(response, web.Response):
                    response.headers["Date"] = email.utils.formatdate(
                        time.time() + skew / 1000, usegmt=True
                    )
                return response
            return await handler(request)

        return middleware

    def _binance_refusal(self, request: web.Request) -> web.Response | None:
        if not request.headers.get("X-MBX-APIKEY"):
            return None
        state = self.get("binance")
        if state.revoked:
            return _binance_error(BINANCE_KEY_ERROR)
        if state.ip_refused:  # Binance names the refused address in the message
            return _binance_error(f"{BINANCE_KEY_ERROR[:-1]}, request ip: {request.remote}")
        return None

    def _upbit_refusal(self, request: web.Request) -> web.Response | None:
        if not request.headers.get("Authorization"):
            return None
        state = self.get("upbit")
        if state.revoked:
            return _upbit_error(*UPBIT_ERRORS["revoked"])
        if state.ip_refused:
            return _upbit_error(*UPBIT_ERRORS["ip_refused"])
        if not state.trading and request.method == "POST" and request.path.startswith("/v1/orders"):
            return _upbit_error(*UPBIT_ERRORS["trading"])
        return None

    def install(self, app: web.Application, venue: str, sim_venue: Any) -> None:
        """The key endpoints of `venue` (if it has one) and the `/__sim/keys` admin route."""
        app.router.add_post("/__sim/keys", self._admin)
        if venue == "binance":
            sim_venue.router.add(
                app, "GET", "/sapi/v1/account/apiRestrictions", self._api_restrictions,
                weight=1, security=Security.SIGNED,
            )  # fmt: skip
        elif venue == "upbit":
            app.router.add_get(
                "/v1/api_keys", sim_venue.rest._wrap("default", True, self._api_keys)
            )

    async def _api_restrictions(self, c: Call) -> Any:
        s = self.get("binance")
        now = int(time.time() * 1000)
        return {
            "ipRestrict": True, "createTime": now - 30 * 86_400_000, "enableReading": True,
            "enableWithdrawals": s.withdrawals, "enableInternalTransfer": False,
            "enableMargin": False, "enableFutures": s.futures, "permitsUniversalTransfer": False,
            "enableVanillaOptions": False, "enableFixApiTrade": False, "enableFixReadOnly": False,
            "enableSpotAndMarginTrading": s.trading, "enablePortfolioMarginTrading": False,
        }  # fmt: skip

    async def _api_keys(self, request: web.Request, p: Any, account: Any) -> Any:
        s = self.get("upbit")
        access = _access_key(request.headers.get("Authorization", ""))
        expire = time.time() + s.expires_in_days * 86400
        when = dt.datetime.fromtimestamp(expire, KST)  # Upbit writes ISO 8601 in KST
        return [{"access_key": access, "expire_at": when.isoformat(timespec="seconds")}]

    async def _admin(self, request: web.Request) -> web.Response:
        try:
            payload = orjson.loads(await request.read())
            if not isinstance(payload, dict):
                raise ValueError("expected a JSON object")
            args = dict(payload)
            venue = str(args.pop("venue", ""))
            if args.pop("clear", False):
                self.clear()
                result: Any = None
            else:
                result = self.set(venue, **args)
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            return _json({"ok": False, "error": str(exc)}, 400)
        return _json({"ok": True, "result": result})


def _access_key(authorization: str) -> str:
    """The `access_key` claim of an already verified Upbit JWT."""
    try:
        body = authorization.split(" ", 1)[1].split(".")[1]
        claims = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        return str(claims.get("access_key", ""))
    except (IndexError, ValueError, orjson.JSONDecodeError):
        return ""


def _binance_error(msg: str) -> web.Response:
    return _json({"code": -2015, "msg": msg}, 401)


def _upbit_error(name: str, message: str) -> web.Response:
    return _json({"error": {"name": name, "message": message}}, 401)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")
