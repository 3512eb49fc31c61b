"""Request details out of venue error texts: ccxt puts the full URL (query string, `signature=`,
`timestamp=`, and for Binance GET/DELETE the whole signed request) into its error messages, e.g.

    binance GET https://api.binance.com/api/v3/openOrders?timestamp=1733300000000&recvWindow=5000&signature=9f2c... 500 Internal Server Error {"code":-1000,"msg":"..."}

Pure and ccxt-free, so the logging set-up can scrub every record with it too.
"""

from __future__ import annotations

import re

REDACTED = "***"

# A URL's query string (and fragment): the endpoint path stays, it says what failed.
_QUERY = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s?#\"'<>]+)[?#][^\s\"'<>]*", re.I)
# Credentials wherever they appear: form/JSON fields, headers, bearer tokens (Upbit's JWT).
_FIELD = re.compile(
    r"(?P<key>\b(?:signature|api[-_]?key|apikey|secret(?:[-_]?key)?|access[-_]?key|"
    r"listen[-_]?key|x-mbx-apikey|authorization|token)\b\"?\s*[=:]\s*\"?)"
    r"(?:bearer\s+)?[^\s&,;\"'}]+",
    re.I,
)
_JWT = re.compile(r"\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*")


def redact_request_details(text: str) -> str:
    """`text` without query strings, signatures, API keys or tokens."""
    text = _QUERY.sub(lambda m: f"{m.group(1)}?{REDACTED}", text)
    text = _FIELD.sub(lambda m: f"{m.group('key')}{REDACTED}", text)
    return _JWT.sub(REDACTED, text)
