"""`exchangeInfo` documents for Binance spot (`/api/v3`) and USDT-M futures (`/fapi/v1`)."""

from __future__ import annotations

from typing import Any

from peers.exchange_sim.binance_auth import Params
from peers.exchange_sim.binance_market_data import lookup
from peers.exchange_sim.binance_rules import SymbolRules

SPOT_ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT"]
FUTURES_ORDER_TYPES = [
    "LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
]  # fmt: skip


def _d(value: Any, places: int = 8) -> str:
    return f"{value:.{places}f}"


def spot_symbol(r: SymbolRules) -> dict[str, Any]:
    return {
        "symbol": r.symbol, "status": "TRADING", "baseAsset": r.base, "baseAssetPrecision": 8,
        "quoteAsset": r.quote, "quotePrecision": 8, "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8, "quoteCommissionPrecision": 8,
        "orderTypes": SPOT_ORDER_TYPES, "icebergAllowed": False, "ocoAllowed": False,
        "otoAllowed": False, "opoAllowed": False, "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False, "cancelReplaceAllowed": False, "amendAllowed": False,
        "pegInstructionsAllowed": False, "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": _d(r.tick), "maxPrice": _d(1_000_000),
             "tickSize": _d(r.tick)},
            {"filterType": "LOT_SIZE", "minQty": _d(r.min_qty), "maxQty": _d(r.max_qty),
             "stepSize": _d(r.step)},
            {"filterType": "MARKET_LOT_SIZE", "minQty": _d(0), "maxQty": _d(r.market_max_qty),
             "stepSize": _d(0)},
            {"filterType": "NOTIONAL", "minNotional": _d(r.min_notional), "applyMinToMarket": True,
             "maxNotional": _d(9_000_000), "applyMaxToMarket": False, "avgPriceMins": 5},
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        ],
        "permissions": [], "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }  # fmt: skip


def spot_exchange_info(rules: dict[str, SymbolRules], p: Params, now: int) -> dict[str, Any]:
    selected = _select(rules, p)
    return {
        "timezone": "UTC",
        "serverTime": now,
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": 6000,
            },
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
            {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
            {
                "rateLimitType": "RAW_REQUESTS",
                "interval": "MINUTE",
                "intervalNum": 5,
                "limit": 61000,
            },
        ],
        "exchangeFilters": [],
        "symbols": [spot_symbol(r) for r in selected],
    }


def futures_symbol(r: SymbolRules) -> dict[str, Any]:
    pp, qp = r.price_precision, r.qty_precision
    return {
        "symbol": r.symbol, "pair": r.symbol, "contractType": "PERPETUAL",
        "deliveryDate": 4133404800000, "onboardDate": 1569398400000, "status": "TRADING",
        "maintMarginPercent": "2.5000", "requiredMarginPercent": "5.0000",
        "baseAsset": r.base, "quoteAsset": r.quote, "marginAsset": "USDT",
        "pricePrecision": pp, "quantityPrecision": qp, "baseAssetPrecision": 8,
        "quotePrecision": 8, "underlyingType": "COIN", "underlyingSubType": [],
        "settlePlan": 0, "triggerProtect": "0.0500", "liquidationFee": "0.012500",
        "marketTakeBound": "0.05", "maxMoveOrderLimit": 10000,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": f"{r.tick}", "maxPrice": "4529764",
             "tickSize": f"{r.tick}"},
            {"filterType": "LOT_SIZE", "minQty": f"{r.min_qty}", "maxQty": f"{r.max_qty}",
             "stepSize": f"{r.step}"},
            {"filterType": "MARKET_LOT_SIZE", "minQty": f"{r.min_qty}",
             "maxQty": f"{r.market_max_qty}", "stepSize": f"{r.step}"},
            {"filterType": "MAX_NUM_ORDERS", "limit": 200},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "limit": 10},
            {"filterType": "MIN_NOTIONAL", "notional": f"{r.min_notional}"},
            {"filterType": "PERCENT_PRICE", "multiplierUp": "1.0500", "multiplierDown": "0.9500",
             "multiplierDecimal": "4"},
        ],
        "orderTypes": FUTURES_ORDER_TYPES,
        "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
        "permissionSets": ["GRID", "COPY"],
    }  # fmt: skip


def futures_exchange_info(rules: dict[str, SymbolRules], now: int) -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "serverTime": now,
        "futuresType": "U_MARGINED",
        "rateLimits": [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": 2400,
            },
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
        ],
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [futures_symbol(r) for r in rules.values()],
    }


def _select(rules: dict[str, SymbolRules], p: Params) -> list[SymbolRules]:
    if p.get("symbol"):
        return [lookup(rules, p.get("symbol"))]
    raw = p.get("symbols")
    if raw:
        names = [s.strip().strip('"') for s in raw.strip("[]").split(",") if s.strip()]
        return [lookup(rules, n) for n in names]
    return list(rules.values())
