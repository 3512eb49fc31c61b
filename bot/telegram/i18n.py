"""The Telegram layer's own texts in Korean and English (`LANGUAGE`, default ko).

Command answers come from the shared command handlers; only what this layer writes itself
(notification headers, digests, the daily report, transport notices) is translated here.
"""

from __future__ import annotations

from bot.domain.notifications import NotificationKind

_TEXTS: dict[str, dict[str, str]] = {
    "ko": {
        "digest_title": "📦 밀린 알림 {n}건 (요약)",
        "photo_missing": "(차트 파일을 찾을 수 없음: {path})",
        "not_a_command": "명령은 /로 시작합니다. 목록은 /help",
        "conflict": (
            "같은 봇 토큰으로 다른 인스턴스가 실행 중입니다 (409 Conflict). "
            "명령을 받을 수 없으니 다른 인스턴스를 종료하세요."
        ),
        "intruder": "허가되지 않은 사용자의 접근 시도: chat {chat}, user {user} (최근 {count}회)",
        "stale_command": (
            "{at}에 보낸 {command}는 서비스가 멈춰 있는 동안 도착해 실행하지 않았습니다. "
            "필요하면 다시 보내세요."
        ),
        "refresh": "🔄 새로고침",
        "report_title": "📊 일일 리포트 {day}",
        "report_now_title": "📊 리포트 (최근 24시간, {until} 기준)",
        "report_bots": "봇별 손익 / 체결",
        "report_no_trades": "  체결 없음",
        "report_balances": "잔고 / 평가액",
        "report_no_balances": "  잔고 정보 없음",
        "report_equity": "  총 평가액 {total} KRW{change}",
        "report_equity_change": " (전일 대비 {sign}{delta} KRW, {pct})",
        "report_kimp": "김치 프리미엄 (BTC)",
        "report_kimp_none": "  표본 없음",
        "report_kimp_line": "  최고 {hi} · 최저 {lo} · 평균 {avg} ({n}개 표본)",
        "report_kimp_top": "  최대 프리미엄: {items}",
        "report_alerts": "  보낸 알림 {n}건",
        "report_streams": "스트림 / 장애",
        "report_streams_none": "  기록 없음",
        "report_incidents": "  장애 알림 {n}건 · 구성요소 재시작 {crashes}건",
        "report_chart_caption": "BTC 김프 추이 ({day})",
        "report_chart_empty": "데이터 없음",
    },
    "en": {
        "digest_title": "📦 {n} queued notifications (digest)",
        "photo_missing": "(chart file not found: {path})",
        "not_a_command": "Commands start with /. Send /help for the list.",
        "conflict": (
            "Another instance is polling this bot token (409 Conflict). This one cannot "
            "receive commands: stop the other instance."
        ),
        "intruder": "Unauthorised access attempt: chat {chat}, user {user} ({count} recent tries)",
        "stale_command": (
            "{command} sent at {at} arrived while the service was down; it was not run. "
            "Send it again if you still want it."
        ),
        "refresh": "🔄 Refresh",
        "report_title": "📊 Daily report {day}",
        "report_now_title": "📊 Report (last 24 h, until {until})",
        "report_bots": "PnL and trades per bot",
        "report_no_trades": "  no trades",
        "report_balances": "Balances and equity",
        "report_no_balances": "  no balance data",
        "report_equity": "  equity {total} KRW{change}",
        "report_equity_change": " ({sign}{delta} KRW vs previous report, {pct})",
        "report_kimp": "Kimchi premium (BTC)",
        "report_kimp_none": "  no samples",
        "report_kimp_line": "  high {hi} · low {lo} · avg {avg} ({n} samples)",
        "report_kimp_top": "  largest premiums: {items}",
        "report_alerts": "  {n} alerts sent",
        "report_streams": "Streams and incidents",
        "report_streams_none": "  nothing recorded",
        "report_incidents": "  {n} stream alerts · {crashes} component restarts",
        "report_chart_caption": "BTC kimp over {day}",
        "report_chart_empty": "no data",
    },
}

_HEADERS: dict[str, dict[NotificationKind, str]] = {
    "ko": {
        NotificationKind.STARTUP: "🚀 서비스 시작",
        NotificationKind.SHUTDOWN: "⏹ 서비스 종료",
        NotificationKind.ORDER_PLACED: "📝 주문 접수",
        NotificationKind.ORDER_FILLED: "✅ 체결",
        NotificationKind.ORDER_CANCELLED: "↩️ 주문 취소",
        NotificationKind.ORDER_REFUSED: "⛔ 주문 거부",
        NotificationKind.KIMP_ALERT: "🌶 김프 알림",
        NotificationKind.STREAM: "📡 스트림",
        NotificationKind.COMPONENT: "⚙️ 구성요소",
        NotificationKind.RISK: "🛑 리스크 한도",
        NotificationKind.REPORT: "",  # reports carry their own title
        NotificationKind.INFO: "ℹ️ 안내",
    },
    "en": {
        NotificationKind.STARTUP: "🚀 Started",
        NotificationKind.SHUTDOWN: "⏹ Stopping",
        NotificationKind.ORDER_PLACED: "📝 Order placed",
        NotificationKind.ORDER_FILLED: "✅ Filled",
        NotificationKind.ORDER_CANCELLED: "↩️ Order cancelled",
        NotificationKind.ORDER_REFUSED: "⛔ Order refused",
        NotificationKind.KIMP_ALERT: "🌶 Kimp alert",
        NotificationKind.STREAM: "📡 Stream",
        NotificationKind.COMPONENT: "⚙️ Component",
        NotificationKind.RISK: "🛑 Risk limit",
        NotificationKind.REPORT: "",
        NotificationKind.INFO: "ℹ️ Info",
    },
}


def _lang(language: str) -> str:
    return language if language in _TEXTS else "ko"


def text(language: str, key: str, **values: object) -> str:
    """The text `key` in `language` (ko when unknown), formatted with `values`."""
    template = _TEXTS[_lang(language)].get(key) or _TEXTS["en"][key]
    return template.format(**values) if values else template


def header(language: str, kind: NotificationKind) -> str:
    """The bold first line of a notification; empty when the text has its own title."""
    return _HEADERS[_lang(language)].get(kind, kind.value)
