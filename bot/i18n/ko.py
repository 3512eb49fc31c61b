"""Korean texts (LANGUAGE=ko, the default). Same keys and placeholders as bot/i18n/en.py."""

from __future__ import annotations

HEADERS: dict[str, str] = {
    "startup": "🚀 서비스 시작",
    "shutdown": "⏹ 서비스 종료",
    "order_placed": "📝 주문 접수",
    "order_filled": "✅ 체결",
    "order_cancelled": "↩️ 주문 취소",
    "order_refused": "⛔ 주문 거부",
    "kimp_alert": "🌶 김프 알림",
    "stream": "📡 스트림",
    "component": "⚙️ 구성요소",
    "risk": "🛑 리스크 한도",
    "report": "",
    "info": "ℹ️ 안내",
}

TEXTS: dict[str, str] = {
    # --- words for enum values (English keeps the value itself) -------------------------------
    "side.buy": "매수",
    "side.sell": "매도",
    "ordertype.market": "시장가",
    "ordertype.limit": "지정가",
    "ordertype.stop_market": "손절 시장가",
    "ordertype.take_profit_market": "익절 시장가",
    "orderstatus.intent": "전송 전",
    "orderstatus.open": "접수",
    "orderstatus.partially_filled": "부분 체결",
    "orderstatus.filled": "체결 완료",
    "orderstatus.cancelled": "취소",
    "orderstatus.rejected": "거부",
    "venue.upbit": "업비트",
    "venue.binance": "바이낸스 현물",
    "venue.binance_futures": "바이낸스 선물(USDT-M)",
    # --- service: start-up summary, shutdown, crashes ---------------------------------------
    "mode.live": "실거래 — 실제 주문이 나갑니다",
    "mode.paper": "모의투자",
    "startup.title": "서비스 시작: {mode}, v{version}.",
    "startup.market_data": "시세 수신: {venues}",
    "startup.live_venues": "실주문 거래소: {venues}",
    "startup.bots": "봇: {bots}",
    "startup.no_bots": "없음",
    "startup.help": "명령 목록은 /help",
    "shutdown": "서비스를 종료합니다.",
    "crash": "구성요소 {name} 오류로 중단 ({error}); {delay}초 후 재시작 (#{restarts}).",
    # --- market data streams -----------------------------------------------------------------
    "stream.status": "{icon} {venue} 시세 스트림 {state}: {reason}",
    "stream.up": "정상",
    "stream.degraded": "불안정 (REST로 대체 수신 중)",
    "stream.down": "끊김",
    "stream.recovered": "복구",
    # --- trading: banners, orders, fills -------------------------------------------------------
    "trading.live_banner": "⚠️ 실거래 중 ({venues}): 주문이 실제로 나갑니다.",
    "trading.no_live_venues": "없음 (API 키 없음)",
    "trading.paper_banner": (
        "모의투자: 실시간 시세로 주문을 모의 체결합니다 (TRADING_MODE=paper)."
    ),
    "trading.reconciled": "시작 시 주문·포지션 대조 결과:",
    "order.paper": "[모의] ",
    "order.describe": "{venue} {symbol} {type} {side} {qty}{price}{trigger}",
    "order.trigger": " 트리거 {price}",
    "order.placed": "{mode}주문 {status}: {order} (주문번호 {id})",
    "order.filled": (
        "{mode}{venue} {base} {side} 체결: {qty} {base} @ {price} {quote} "
        "(수수료 {fee} {fee_asset}, 주문번호 {id}){pnl}"
    ),
    "order.pnl": "\n실현 손익 {pnl} {quote}",
    "order.cancelled": "주문 취소됨: {order}{reason}",
    "order.refused_by_venue": "{venue}에서 주문 거부: {order}. {reason}",
    "order.refused": "주문 거부{who}: {venue} {symbol} {side}. {reason}",
    "order.refused_bot": " (봇 {bot})",
    # --- trading: refusal reasons ------------------------------------------------------------
    "reason.not_configured": "{venue}: 거래 설정이 되어 있지 않습니다.",
    "reason.futures_not_configured": "바이낸스 선물: 거래 설정이 되어 있지 않습니다.",
    "reason.rate_limited": "거래소가 요청 한도 초과로 계속 거부해 주문하지 못했습니다.",
    "reason.no_answer": "거래소 응답이 없습니다. 주문 상태를 다시 확인합니다.",
    "reason.never_placed": (
        "주문되지 않음: 전송 {age}초 후에도 거래소에 주문번호 {id}가 없습니다 "
        "(전송 시간 초과 또는 미전송)."
    ),
    "reason.cancelled_early": "거래소에 도달하기 전에 취소했습니다.",
    "reason.no_rate": (
        "아직 {quote}/KRW 환율(업비트 KRW-USDT)이 없어 원화 기준 한도를 확인할 수 없습니다."
    ),
    "reason.no_price": "{symbol}의 사용할 수 있는 시세가 없습니다. 잠시 후 다시 시도하세요.",
    "reason.min_qty": "수량이 {symbol} 최소 수량 {min}보다 적습니다.",
    "reason.max_qty": "수량이 최대 수량 {max}를 넘습니다.",
    "reason.market_max_qty": "시장가 주문은 최대 {max}까지입니다. 나누어 주문하거나 지정가를 쓰세요.",
    "reason.min_total_upbit": "주문 총액 {total}이(가) 업비트 최소 주문 금액 {min}보다 적습니다.",
    "reason.min_total": "주문 총액 {total}이(가) 거래소 최소 주문 금액 {min}보다 적습니다.",
    "reason.max_total": "주문 총액이 최대 {max}를 넘습니다.",
    "reason.reduce_nothing": "포지션 축소 전용 주문인데 줄일 {base} 포지션이 없습니다.",
    "reason.reduce_too_much": "포지션 축소 전용 주문 {qty}이(가) 현재 포지션 {pos}보다 큽니다.",
    "reason.no_margin": "증거금 부족: {lev}배 기준 약 {need} 필요, 사용 가능 {free}.",
    "reason.no_funds": "{quote} 잔고 부족: {need} 필요, 사용 가능 {free}.",
    "reason.no_coin": "매도할 {base} 부족: {qty} 주문, 사용 가능 {free}.",
    "reason.kill_switch": "킬스위치가 켜져 있어 신규 진입을 거부합니다. 해제: /killswitch",
    "reason.daily_paused": (
        "일일 손실 한도(평가액의 {pct}%)에 도달해 내일까지 신규 진입을 멈췄습니다."
    ),
    "reason.stale": (
        "{venue} 시세가 지연되었거나 불안정해 실시간 시세가 돌아올 때까지 신규 주문을 거부합니다."
    ),
    "reason.max_order": "주문 금액 {value}이(가) 1회 주문 한도 {cap}(MAX_ORDER_KRW)를 넘습니다.",
    "reason.max_positions": (
        "이미 포지션 {n}개가 열려 있어 최대치 {max}개(MAX_OPEN_POSITIONS)입니다. "
        "먼저 하나를 정리하세요."
    ),
    "reason.no_equity": "평가액을 알 수 없거나 0이라 새 포지션 규모를 정할 수 없습니다.",
    "reason.max_position_pct": (
        "이 주문으로 {symbol} 포지션이 평가액의 {pct}%가 되어 한도 {max}%(MAX_POSITION_PCT)를 "
        "넘습니다."
    ),
    "reason.leverage_range": "레버리지 {lev}배는 허용 범위 1-{max}배(MAX_LEVERAGE)를 벗어납니다.",
    "reason.leverage_failed": "레버리지 {lev}배 설정 실패: {reason}",
    "reason.no_futures_position": "열린 {symbol} 선물 포지션이 없습니다.",
    # --- risk -------------------------------------------------------------------------------
    "risk.daily_loss": (
        "일일 손실 한도 도달: 오늘 손익 {pnl} KRW (한도 {limit} KRW). 내일까지 신규 진입을 "
        "멈춥니다. 청산은 계속 가능합니다."
    ),
    "risk.status_kill_switch": "킬스위치 켜짐: 신규 진입 거부",
    "risk.status_paused": "일일 손실 한도 도달: 내일까지 신규 진입 중지",
    "risk.no_bracket": "⚠️ {symbol} 선물 포지션이 {what} 주문 없이 열려 있습니다: {reason}",
    "risk.bracket.stop_market": "손절(SL)",
    "risk.bracket.take_profit_market": "익절(TP)",
    # --- start-up reconciliation -------------------------------------------------------------
    "reconcile.now": "주문 {id}: 재시작 전에 전송됨, 현재 {status}",
    "reconcile.never_reached": "주문 {id}: {venue}에 도달하지 않아 주문되지 않음",
    "reconcile.gone": "주문 {id}: {venue}에 더 이상 없어 취소 처리",
    "reconcile.unchecked": "주문 {id}: 확인 실패 ({reason})",
    "reconcile.changed": "주문 {id}: {old} -> {new}",
    "reconcile.failed": "{venue}: 대조 실패 ({reason})",
    "reconcile.foreign": "{venue}: 봇이 내지 않은 미체결 주문: {symbol} {type} {side} {qty}",
    "reconcile.position_adopted": (
        "{venue} {symbol} 포지션: 기록 {ours}, 거래소 {real} (봇 밖에서 변경?) "
        "— 거래소 수량으로 맞춤"
    ),
    "reconcile.holding_adopted": (
        "{venue} {symbol}: 기록상 {ours} 보유, 계좌에는 {real} (직접 매도?) — 계좌 수량으로 맞춤"
    ),
    # --- kimchi premium alerts -----------------------------------------------------------------
    "name.upbit": "업비트",
    "name.binance": "바이낸스",
    "kimp.market": "[시장] ",
    "kimp.na": "없음",
    "kimp.enter_high": "🔺 {prefix}{label} 김프 {value}: 알림 기준 {threshold}% 도달",
    "kimp.enter_low": "🔻 {prefix}{label} 역프 {value}: 알림 기준 {threshold}% 도달",
    "kimp.escalate_high": "⏫ {prefix}{label} 김프 {value}: {threshold}% 돌파 ({level}단계)",
    "kimp.escalate_low": "⏬ {prefix}{label} 역프 {value}: {threshold}% 돌파 ({level}단계)",
    "kimp.normal": "✅ {prefix}{label} 김프 정상 복귀: {value}",
    "kimp.jump": "⚡ {prefix}{label} 김프 급변: {detail}, 현재 {value}",
    "kimp.suspended": "⏸ {prefix}{label}: 김프 알림 일시 중지: {detail}",
    "kimp.resumed": "▶️ {prefix}{label}: 김프 알림 재개 ({value})",
    "kimp.implausible": "⚠️ {prefix}{label} 김프 {value} 비정상 값 ({detail}); 알림 보류",
    "kimp.digest_one": "📋 김프 요약: 코인 알림 {n}건",
    "kimp.digest_many": "📋 김프 요약: 코인 알림 {n}건",
    "kimp.suspended_many": "⏸ 김프 알림 일시 중지 {n}개:",
    "kimp.resumed_many": "▶️ 김프 알림 재개 {n}개:",
    "kimp.jump_up": "{secs}초 동안 {pp}%p 상승 ({start}%에서)",
    "kimp.jump_down": "{secs}초 동안 {pp}%p 하락 ({start}%에서)",
    "kimp.basis.usdt": "USDT 기준 김프",
    "kimp.basis.fx": "환율 기준 김프",
    "kimp.tether": "테더(USDT)",
    "kimp.no_premium": "김프 계산 불가",
    "kimp.why.venue_down": "{venue} 스트림 끊김 ({reason})",
    "kimp.why.fx_none": "환율 없음: {why}",
    "kimp.why.fx_no_answer": "환율 소스 응답 대기 중",
    "kimp.why.fx_old": "환율 없음: 마지막 환율이 {age}초 전 값{why}",
    "kimp.why.fx_source": "; 소스: {error}",
    "kimp.why.no_price": "{name} 시세 아직 없음",
    "kimp.why.no_data": "{venue}: {secs}초 동안 시세 없음",
    "kimp.why.quiet": "{name} 시세가 {age}초 동안 갱신되지 않음",
    "kimp.why.not_listed": "{coin}은(는) 감시 대상 코인이 아닙니다",
    "kimp.why.no_leg": "{venues} 시세 아직 없음",
    "kimp.why.or": " 또는 ",
    "kimp.why.no_legs": "양쪽 거래소 시세 아직 없음",
    "wallet.withdrawals": "{venue} 출금 중단",
    "wallet.deposits": "{venue} 입금 중단",
    "wallet.blocked": "{text}: 차익거래 불가",
    "wallet.open_route": "{text} ({route} 경로는 가능)",
    # --- Telegram layer: digests, notices, the daily report ---------------------------------
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
    "report_bot_line": "  {bot:<14} 체결 {trades:>4}건   {pnl}",
    "report_no_trades": "  체결 없음",
    "report_balances": "잔고 / 평가액",
    "report_no_price": "(시세 없음)",
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
    "report_stream_line": "  {name:<20} 가동률 {pct:6.2f}%   장애 {incidents}건",
    "report_incidents": "  장애 알림 {n}건 · 구성요소 재시작 {crashes}건",
    "report_chart_caption": "BTC 김프 추이 ({day})",
    "report_chart_empty": "데이터 없음",
    # --- command layer: dispatch, confirmations, /help ---------------------------------------
    "cmd.unknown": "알 수 없는 명령 /{name}. 목록은 /help",
    "cmd.usage": "\n사용법: {usage}",
    "cmd.failed": "/{command} 실패: {error}. 자세한 내용은 로그를 보세요.",
    "cmd.confirm_ask": "⚠️ {description}\n{secs}초 안에 확인하세요.",
    "cmd.confirm_button": "✅ 확인",
    "cmd.cancel_button": "✖ 취소",
    "cmd.confirm_usage": "사용법: /confirm <코드> (코드는 확인 메시지에 있습니다)",
    "cmd.confirm_expired": "만료되었거나 이미 사용된 확인입니다. 명령을 다시 실행하세요.",
    "cmd.confirm_other_chat": "다른 채팅의 확인 요청입니다.",
    "cmd.cancelled": "취소했습니다. 아무것도 실행하지 않았습니다.",
    "cmd.nothing_to_cancel": "취소할 것이 없습니다.",
    "help.title": "명령 목록:",
    "help.footer": "\n\n/help <명령> 으로 자세한 설명을 봅니다.",
    "help.one_name": "명령 이름 하나만 주세요. 예: /help status",
    "help.no_such": "/{name} 명령은 없습니다. 목록은 /help",
    "help.help": "명령 목록, 또는 한 명령의 설명",
    "help.status": "모드, 스트림, 구성요소, 봇, 포지션",
    "help.version": "프로그램 버전",
    "help.settings": "적용 중인 설정 (비밀값 숨김)",
    "help.logs": "최근 로그",
    "help.bots": "전략 봇과 최근 판단",
    "help.start": "전략 봇 시작 (재시작 후에도 시작 상태 유지)",
    "help.stop": "전략 봇 중지; 열린 포지션은 그대로 유지",
    "help.pause": "봇 일시정지: 신규 진입 없음, 청산은 계속 관리",
    "help.resume": "일시정지한 봇 재개",
    "help.balance": "거래소별 잔고, 원화 평가액과 합계",
    "help.positions": "열린 포지션과 미실현 손익",
    "help.orders": "미체결 주문 (/orders all 은 최근 주문)",
    "help.trades": "최근 체결",
    "help.profit": "최근 며칠의 실현 손익",
    "help.daily": "일별 손익",
    "help.weekly": "최근 7일 손익",
    "help.monthly": "최근 30일 손익",
    "help.buy": "거래소 시장가 매수, 또는 봇의 강제 진입",
    "help.sell": "거래소 시장가 매도, 또는 봇의 강제 청산 (확인 필요)",
    "help.cancel": "미체결 주문 취소 (확인 필요)",
    "help.killswitch": "신규 진입과 봇 중지; 'cancel' 은 미체결 주문도 취소; 'off' 는 해제",
    "help.report": "최근 24시간 일일 리포트를 지금 받기",
    "help.kimp": "김프: 주요 코인, 상위/하위 코인, 또는 한 코인 상세",
    "help.kimpchart": "코인(또는 USDT)의 24시간 김프 차트",
    "help.kimpalert": "김프 알림 기준 보기 / 변경",
}
