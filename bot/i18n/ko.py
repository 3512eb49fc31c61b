"""Korean texts (LANGUAGE=ko, the default). Same keys and placeholders as bot/i18n/en.py.

Over 400 lines on purpose: one flat table of texts, no logic, kept line for line with en.py.
"""

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
    "reconcile": "🔄 주문·잔고 대조",  # helper P3
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
        "{mode}{venue} {base} {side} 체결: {qty} {base} @ {price} "
        "(수수료 {fee}, 주문번호 {id}){pnl}"
    ),
    "order.pnl": "\n실현 손익 {pnl}{pct}",
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
    "reason.kill_switch": "킬스위치가 켜져 있어 신규 진입을 거부합니다. 해제: /killswitch off",
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
        "일일 손실 한도 도달: 오늘 손익 {pnl} (한도 {limit}). 내일까지 신규 진입을 "
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
        "같은 봇 토큰으로 다른 인스턴스가 실행 중입니다 (409 충돌). "
        "명령을 받을 수 없으니 다른 인스턴스를 종료하세요."
    ),
    "intruder": "허가되지 않은 사용자의 접근 시도: 채팅 {chat}, 사용자 {user} (최근 {count}회)",
    "refresh": "🔄 새로고침",
    "report_title": "📊 일일 리포트 {day}",
    "report_now_title": "📊 리포트 (최근 24시간, {until} 기준)",
    "report_bots": "봇별 손익 / 체결",
    "report_bot_line": "  {bot:<14} 종료 거래 {trades:>4}건   {pnl}",
    "report_no_trades": "  체결 없음",
    "report_balances": "잔고 / 평가액",
    "report_no_price": "(시세 없음)",
    "report_no_balances": "  잔고 정보 없음",
    "report_equity": "  총 평가액 {total}{change}",
    "report_equity_change": " (전일 대비 {sign}{delta}, {pct})",
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
    "help.settings": "시작 시 읽은 설정, 비밀값은 설정 여부만 (이후 바꾼 알림 기준: /kimpalert)",
    "help.logs": "최근 로그",
    "help.bots": "전략 봇과 최근 판단",
    "help.start": "전략 봇 시작 (재시작 후에도 시작 상태 유지)",
    "help.stop": "전략 봇 중지; 열린 포지션은 그대로 유지",
    "help.pause": "봇 일시정지: 신규 진입 없음, 청산은 계속 관리",
    "help.resume": "일시정지한 봇 재개",
    "help.balance": "거래소별 잔고, 원화 평가액과 합계",
    "help.positions": "소유자별 보유 포지션: 평가액, 손익률, 선물 증거금",
    "help.orders": "미체결 주문 (/orders all 은 최근 주문)",
    "help.trades": "최근 거래 (번호, 시각, 소유자, 손익)",
    "help.profit": "요약: 손익, 수익률, 승률, 손익비, 최고·최저 코인, 보유 시간, 낙폭",
    "help.daily": "달력 기준 일별 손익",
    "help.weekly": "달력 기준 주별 손익 (월요일 시작)",
    "help.monthly": "달력 기준 월별 손익",
    "help.buy": "거래소 시장가 매수, 또는 봇의 강제 진입",
    "help.sell": "거래소 시장가 매도, 또는 봇의 강제 청산 (확인 필요)",
    "help.cancel": "미체결 주문 취소 (확인 필요)",
    "help.killswitch": (
        "신규 진입과 봇 중지; 'cancel' 은 미체결 주문도 취소; 'flatten' 은 모든 포지션도 "
        "시장가 청산; 'off' 는 해제"
    ),
    "help.report": "최근 24시간 일일 리포트를 지금 받기",
    "help.kimp": "김프: 주요 코인, 상위/하위 코인, 또는 한 코인 상세",
    "help.kimpchart": "코인(또는 USDT)의 24시간 김프 차트",
    "help.kimpalert": "김프 알림 기준 보기 / 변경",
    # /help <command>: the longer explanation
    "helpdetail.buy": (
        "/buy upbit BTC 50000KRW 는 거래소에서 매수합니다 (코인 수량, 또는 KRW/USDT 금액). 이 "
        "포지션은 아무 봇도 관리하지 않습니다. 바이낸스 현물에서는 sl=58000 또는 sl=3% 를 붙이면 "
        "매수가 체결된 뒤 산 코인 전체에 대한 손절 매도(STOP_LOSS) 주문을 거래소에 걸고, 보유하는 "
        "동안 유지합니다. /buy <봇> [코인] [금액] 은 봇의 강제 진입입니다: "
        "봇의 기본 금액(또는 준 금액, 봇의 호가 통화), 레버리지와 SL/TP 로 지금 롱에 들어가고, "
        "청산은 봇이 관리합니다. 봇이 실행 중이고 일시정지 상태가 아니어야 합니다."
    ),
    "helpdetail.sell": (
        "/sell upbit BTC 0.01 은 거래소에서 매도합니다. /sell <봇> [코인] 은 봇의 강제 청산입니다: "
        "봇을 통해 시장가로 포지션을 닫고 (선물: SL/TP 를 먼저 취소) 거래를 기록합니다. 둘 다 "
        "확인을 묻습니다."
    ),
    "helpdetail.report": (
        "봇별 손익과 거래, 잔고와 평가액, 그날의 김치 프리미엄과 알림, 스트림 가동률과 장애를 "
        "차트와 함께 보여줍니다. 매일 DAILY_REPORT_TIME 에도 보내드립니다."
    ),
    "helpdetail.kimp": (
        "코인 없이: BTC/ETH/XRP, 테더 프리미엄, 환율과 그 나이, 상위·하위 코인. 코인을 주면: "
        "각 시세와 그 나이, 세 가지 프리미엄, 수수료 후 실행 가능 프리미엄, 알림 상태."
        " `/kimp net`: 송금(경로, 출금 수수료, 호가 깊이)까지 반영한 순 프리미엄 순위"
        " (KIMP_KRW_VENUE 기준, `/kimp net bithumb` 처럼 거래소 지정 가능). 코인 상세"
        "(`/kimp <코인>`, `/kimp bithumb <코인>`)에는 방향별 송금 경로가 나옴."
        " `/kimp upbit`, `/kimp bithumb` (뒤에 코인): 그 원화 거래소 기준 김프 표 또는 그 코인 상세"
        " (인자 없이는 KIMP_KRW_VENUE 기준)."
        " `/kimp spread`: 코인별 업비트–빗썸 가격차, 더 비싼 곳, 양쪽 수수료 차감 후 수익률;"
        " `/kimp spread <코인>`: 양쪽 호가와 방향별 수익률."
    ),
    "helpdetail.kimpalert": (
        "이름: high, low, margin, duration, cooldown, step, jump, window, implausible, digest, "
        "tetherhigh, tetherlow, spreadhigh, spreadlow. 예: /kimpalert high 4 는 프리미엄 알림을 +4 % 로 바꿉니다. 변경은 재시작 "
        "후에도 유지되며, /kimpalert reset 은 설정값으로 되돌립니다. 코인별: /kimpalert XRP high 5 는 "
        "XRP에만 상단 기준을 따로 두고, /kimpalert XRP reset 은 공통 기준으로 되돌립니다."
    ),
    # --- command layer: bad arguments --------------------------------------------------------
    "arg.no_args": "/{command} 명령은 인자를 받지 않습니다.",
    "arg.one_number": "숫자는 하나만 주세요 ({what}). 예: /{command} 10",
    "arg.not_int": "'{raw}'은(는) 정수가 아닙니다. {what}를 10처럼 주세요.",
    "arg.range": "{what}는 1에서 {maximum} 사이여야 합니다.",
    "arg.n": "개수",
    "arg.lines": "줄 수",
    "arg.trades": "체결 수",
    "arg.days": "일 수",
    "arg.bad_coin": "'{coin}'은(는) 코인 심볼이 아닙니다. BTC처럼 주세요.",
    "trading.not_running": "이 서비스에서는 거래 기능이 실행 중이 아닙니다.",
    "trading.unknown_venue": "알 수 없는 거래소 '{venue}': upbit, binance, futures{also} 중에서 고르세요.",
    "trading.or_bot": " 또는 봇 ({names})",
    "trading.order_args": "거래소, 코인, 수량을 주세요. 예: {example} (봇은 {bot_form})",
    "trading.not_number": "'{raw}'은(는) 숫자가 아닙니다 (예: 0.01 또는 50000{quote}).",
    "trading.size_positive": "수량은 양수여야 합니다.",
    "trading.orders_args": "/orders (미체결 주문) 또는 /orders all (최근 주문)을 쓰세요.",
    "trading.sell_qty": "매도할 코인 수량을 주세요. 예: /sell upbit BTC 0.01",
    "trading.cancel_args": "/orders 에 나온 주문 ID를 주세요.",
    "trading.no_order": "주문 {id}이(가) 없습니다. /orders 를 보세요.",
    "trading.killswitch_args": (
        "/killswitch, /killswitch cancel 또는 /killswitch off 를 쓰세요 (모든 포지션을 시장가로 "
        "청산하려면 /killswitch flatten)."
    ),
    "forced.buy_args": "코인과 금액까지만 주세요. 예: {example}",
    "forced.not_amount": "'{raw}'은(는) {quote} 금액이 아닙니다. 예: {example}",
    "forced.amount_positive": "금액은 양수({quote})여야 합니다.",
    "forced.sell_args": "코인 하나까지만 주세요. 예: /sell {bot} {coin}",
    "bots.not_running": "이 서비스에서는 전략 봇이 실행 중이 아닙니다.",
    "bots.which": "어느 봇인가요? 이름이나 'all'을 주세요. 봇: {listing}",
    "bots.none_define": "없음 (봇 파일에 정의하세요)",
    "bots.one_name": "/{command} 에는 봇 이름 하나(또는 'all')를 주세요.",
    "bots.none_defined_all": "정의된 봇이 없습니다 (bots.example.toml 참고).",
    "bots.no_such": "'{name}' 봇이 없습니다. 봇: {listing}",
    "bots.none_defined": "정의된 봇 없음",
    "kimpcmd.not_running": "이 서비스에서는 김프 모니터가 실행 중이 아닙니다.",
    "kimpcmd.bad_coin": "'{raw}'은(는) 코인 티커가 아닙니다. BTC처럼 주세요.",
    "kimpcmd.one_coin": "코인 하나만 주세요. 예: /{command} BTC",
    "kimpcmd.not_listed": (
        "{coin}은(는) 업비트 KRW-{coin}과 바이낸스 {coin}USDT 양쪽에 상장되어 있지 않거나 "
        "제외 목록에 있습니다. 감시 중인 코인은 /kimp 에서 보세요."
    ),
    "kimpcmd.which_coin": "어느 코인인가요? 예: /kimpchart BTC (테더는 USDT)",
    "kimpcmd.not_tracked": "{coin}은(는) 감시 중인 코인이 아닙니다. /kimp 에서 보세요.",
    "kimpcmd.reset_args": "/kimpalert reset 뒤에는 아무것도 주지 마세요.",
    "kimpcmd.name_value": "이름과 값을 주세요. 예: /kimpalert high 4",
    "kimpcmd.unknown_name": "알 수 없는 기준 '{name}'. 이름: {names}",
    "kimpcmd.not_number": "'{raw}'은(는) 숫자가 아닙니다.",
    "kimpcmd.not_finite": "값은 유한한 숫자여야 합니다.",
    "kimpcmd.digest": "digest는 1 이상의 정수(코인 수)여야 합니다.",
    "kimpcmd.not_changed": "변경하지 않았습니다: {error}",
    # --- command answers: /settings, /logs ------------------------------------------
    "settings.title": "설정",
    "status.mode_live": "실거래 ⚠️",
    "status.mode_paper": "모의투자",
    "status.mode": "모드: {mode} · 가동 {up} · v{version}",
    "status.streams": "스트림:",
    "status.no_streams": "  실행 중인 스트림 없음",
    "status.components": "구성요소:",
    "status.restarts": ", 재시작 {n}회, 마지막 오류: {error}",
    "status.bots": "봇",
    "status.positions": "포지션",
    "status.kimp": "김프",
    "status.pending": "전송 대기 중인 알림: {n}건",
    "logs.none": "아직 로그가 없습니다.",
    "logs.title": "최근 로그 {n}줄",
    # --- command answers: trading -------------------------------------------------------------
    "trading.in_orders": " (+{qty} 주문 중)",
    "trading.total": "합계 ≈ {total}",
    "trading.paper_mark": " [모의]",
    "trading.balances": "잔고",
    "trading.no_positions": "열린 포지션이 없습니다.",
    "trading.position_line": (
        "{venue} {symbol}{lev}: {qty} @ {entry} 현재가 {mark} 미실현 {upnl} 실현 {rpnl}"
    ),
    "trading.positions": "포지션",
    "trading.no_open_orders": "미체결 주문이 없습니다.",
    "trading.no_orders": "아직 주문이 없습니다.",
    "trading.order_filled": " {status} 체결 {filled}",
    "trading.orders": "주문",
    "trading.no_trades": "아직 체결이 없습니다.",
    "trading.last_trades": "최근 체결 {n}건",
    "trading.pnl_line": "{day}  {realized:>14}  수수료 {fees}  체결 {fills}건",
    "trading.pnl_total": "합계 {total} (실현 손익, 수수료 포함)",
    "trading.profit_title": "최근 {days}일 손익",
    "trading.daily_title": "일별 손익",
    "trading.weekly_title": "주간 손익",
    "trading.monthly_title": "월간 손익",
    "trading.refused": "❌ 거부: {reason}",
    "trading.sell_question": "{venue}에서 {symbol} {qty} 시장가 매도할까요?",
    "trading.cancelled": "✅ 주문 {id} 취소됨.",
    "trading.cancel_question": "주문 {id}을(를) 취소할까요?",
    "trading.kill_off": "킬스위치 해제: 신규 진입을 다시 허용합니다.",
    "trading.kill_on": "🛑 킬스위치 켜짐: 봇 중지, 신규 진입 거부.{extra}",
    "trading.kill_cancelled": " 미체결 주문 {done}/{total}건 취소.",
    "trading.kill_q_off": "킬스위치를 해제할까요?",
    "trading.kill_q_cancel": "킬스위치: 모든 봇을 중지하고 신규 진입을 거부하며 미체결 주문도 모두 취소할까요?",
    "trading.kill_q": "킬스위치: 모든 봇을 중지하고 신규 진입을 거부할까요?",
    # --- command answers: /kimp, /kimpchart, /kimpalert -----------------------------------------
    "kimpcmd.title": "김치 프리미엄",
    "kimpcmd.tether_title": "테더",
    "kimpcmd.coin_title": "{coin} 김프",
    "kimpcmd.no_price": "{coin}: 아직 양쪽 거래소 시세가 없습니다. 몇 초 뒤 다시 시도하세요.",
    "kimpcmd.no_history": "{coin} 기록이 아직 없습니다: 1분마다 표본을 저장합니다.",
    "kimpcmd.chart_text": "{coin} 김프, 최근 24시간",
    "kimpcmd.chart_caption": "{coin} 김프, 24시간",
    "kimpcmd.thresholds": "김프 알림 기준",
    "kimpcmd.reset_done": "알림 기준을 설정값으로 되돌렸습니다",
    "kimpcmd.set_done": "{name} = {value} 설정",
    "kimpcmd.basis_line": "코인 알림 기준: {basis} (KIMP_ALERT_BASIS)",
    "kimpcmd.tether_watch": "테더 알림 기준: 테더 프리미엄 (KRW-USDT 대 USD/KRW)",
    "kimpcmd.head_columns": "코인   USDT 김프  환율 김프",
    "kimpcmd.no_major": "(BTC/ETH/XRP 시세 아직 없음)",
    "kimpcmd.top": "상위:   ",
    "kimpcmd.bottom": "하위:   ",
    "kimpcmd.footer": ("공통 코인 {universe}개 중 {live}개 시세 있음 · 알림 기준 {basis}"),
    "kimpcmd.wallet_footer": "⛔ 입출금 중단 코인 있음: /kimp <코인> 에서 확인",
    "kimpcmd.tether_na": "테더 프리미엄: 없음 (KRW-USDT {krw}, 경과 {age})",
    "kimpcmd.fx_na": "환율: {why}; 환율 김프 숨김",
    "kimpcmd.tether": "테더 프리미엄: {pct} (KRW-USDT {krw}, 경과 {age})",
    "kimpcmd.fx": "환율: {rate} KRW/USD, 경과 {age}",
    "kimpcmd.d_upbit": "업비트   {price} (경과 {age})",
    "kimpcmd.d_binance": "바이낸스 {price} USDT (경과 {age})",
    "kimpcmd.d_usdt": "KRW-USDT {price} (경과 {age})",
    "kimpcmd.d_fx": "USD/KRW  {rate} (경과 {age})",
    "kimpcmd.d_kimps": "USDT 김프 {usdt} · 환율 김프 {fx} · 테더 {tether}",
    "kimpcmd.d_no_exec": "실행 가능 김프: 없음 (아직 모든 구간의 호가가 없음)",
    "kimpcmd.d_exec": "{size} 기준 수수료 포함 실행 가능 김프:",
    "kimpcmd.d_forward": "  해외 매수/업비트 매도 {value}",
    "kimpcmd.d_reverse": "  업비트 매수/해외 매도 {value}",
    "kimpcmd.d_fits": (
        "  호가로 가능한 규모 약 {fwd} / {rev}: 수치를 보려면 KIMP_EXEC_SIZE_KRW를 낮추세요"
    ),
    "kimpcmd.d_implausible": "⚠ 비정상 김프: 티커 불일치 또는 거래 정지? 알림 보류.",
    "kimpcmd.d_suspended": "⏸ 알림 일시정지: {why}",
    "kimpcmd.d_zone": "알림 상태: {zone}",
    # --- command answers: /bots, /stop, /report -------------------------------------------------
    "bots.no_bots": "정의된 봇이 없습니다. bots.example.toml을 BOTS_FILE로 복사하고 재시작하세요.",
    "bots.state.running": "실행 중",
    "bots.state.stopped": "중지",
    "bots.state.paused": "일시정지",
    "bots.flat": "포지션 없음",
    "bots.line": "{name}: {state} · {strategy} · {venue} {symbols} {timeframe} · {pos} · 손익 {pnl}",
    "bots.no_decisions": "아직 판단 기록이 없습니다.",
    "bots.last_decisions": "\n\n최근 판단 ({zone} 기준):\n",
    "bots.title_one": "봇 {name}",
    "bots.title": "봇",
    "bots.stop_question": (
        "{names}을(를) 중지할까요? 열린 포지션은 그대로 남고 아무도 관리하지 않습니다: {held}"
    ),
    "report.no_args": "/report 명령은 인자를 받지 않습니다.",
    # --- command answers: a bot's forced entry and exit ---------------------------------------
    "forced.long": "롱",
    "forced.short": "숏",
    "forced.stake": "투입 {amount}{lev}",
    "forced.stake_pct": "투입 자산의 {pct}%{lev}",
    "forced.on_venue": "거래소 주문",
    "forced.watched": "봇이 감시",
    "forced.entry": (
        "✅ {bot}: 강제 진입 {symbol} {side} {qty} @ {price} ({stake}), "
        "{venue}. 청산은 봇이 관리합니다.{brackets}"
    ),
    "forced.sell": "매도",
    "forced.buy_back": "환매수",
    "forced.stays_stopped": " {bot}은(는) 중지 상태이며 계속 중지됩니다.",
    "forced.exit_question": (
        "강제 청산: {bot}의 {symbol} {side} {qty}을(를) {venue}에서 시장가 {verb}할까요? "
        "거래는 봇이 기록합니다.{tail}"
    ),
    "forced.exit": ("✅ {bot}: 강제 청산 {symbol} {qty} @ {price}, 손익 {pnl} (수수료 포함)."),
    # kimp (helper B): the parts of a suspension reason the monitor leaves unworded
    "kimp.why.leg": "{venue} {market}",
    "kimp.why.either": "{a}{sep}{b}",
    # streams (helper C): why a market-data stream changed state (exchanges/reasons.py)
    "stream.why.not_connected": "아직 연결되지 않음",
    "stream.why.connected": "연결됨",
    "stream.why.refused": "연결 거부됨: HTTP {status}",
    "stream.why.lost": "연결 끊김: 종료 신호 없이 끊어짐",
    "stream.why.closed": "연결 종료됨 ({code})",
    "stream.why.closed_why": "연결 종료됨 ({code}: {why})",
    "stream.why.timeout": "연결 시간 초과",
    "stream.why.cannot_connect": "연결할 수 없음: {error}",
    "stream.why.ended": "서버가 스트림을 종료함",
    "stream.why.reconnected": "재연결됨 (원인: {reason})",
    "stream.why.stale": "수신 정지: {seconds:.1f}초 동안 데이터 없음",
    "stream.why.stale_symbols": "수신 정지: 종목 {n}개 데이터 없음 ({symbols})",
    "stream.why.lifetime": "{seconds:.0f}초 후 예정된 재연결 (거래소 연결 수명 제한)",
    "stream.why.watchdog": "감시 작업 실패: {error}",
    "stream.why.rest_fallback": "웹소켓 끊김 ({why}); REST로 {interval:g}초마다 시세 수신",
    "stream.why.runner": "{name}: {reason}",
    "stream.why.more": "{first}; {rest}",
    "stream.why.rest_stopped": "웹소켓 정상; REST 시세 수신 중지",
    "stream.why.no_data": "{venue} 시세 데이터가 {seconds:.0f}초 동안 없음",
    "stream.why.flowing": "시세 수신 재개",
    # trading (helper A)
    "order.pnl_krw": "\n실현 손익 {pnl}{pct} (≈ {krw})",
    "reconcile.foreign_at": "{venue}: 봇이 내지 않은 미체결 주문: {symbol} {type} {side} {qty} @ {price}",
    # storage faults (notifier)
    "storage.fault": (
        "⚠️ 저장소 오류: {error}. 데이터베이스에 다시 쓸 수 있을 때까지 알림은 메모리에 보관합니다. "
        "디스크 공간을 확보하거나 데이터베이스 파일을 확인하세요."
    ),
    "status.storage_fault": "⚠️ 저장소 오류: {error}",
    # venue clock (time sync)
    "trading.why.clock": (
        "{venue}이(가) 요청 시각을 거부했습니다: 이 서버의 시계가 {seconds}초 어긋나 있습니다. "
        "시간을 다시 맞췄으니 다시 시도하세요."
    ),
    "trading.clock_offset": (
        "⚠️ 이 서버의 시계가 {venue}보다 {seconds}초 어긋나 있습니다. 보정한 시각으로 서명하고 "
        "있으니 서버의 시간 동기화(NTP)를 확인하세요."
    ),
    # bots' positions from the ledger (helper P4): corrections of a bot's book (strategies/book.py)
    "bot.book.flat": "포지션 없음",
    "bot.book.held": "{side} {qty}",
    "bot.book.adopted": (
        "⚠️ 봇 {bot}: 자체 기록은 {venue} {symbol} {was}였지만 주문 원장에는 {held} @ {price} "
        "포지션이 있습니다. 이제 봇이 이 포지션을 관리합니다 (봇의 손절/익절 설정 그대로)."
    ),
    "bot.book.dropped": (
        "⚠️ 봇 {bot}: 자체 기록은 {venue} {symbol} {held}였지만 주문 원장에는 그런 포지션이 "
        "없습니다. 봇 장부에서 제거했습니다."
    ),
    # risk under concurrency (helper P2)
    "reason.max_positions_in_flight": (
        "포지션 {n}개가 열려 있고 진행 중인 주문으로 {k}개가 더 열리는 중이라 "
        "최대치 {max}개(MAX_OPEN_POSITIONS)에 도달했습니다."
    ),
    # storage fault on the order path
    "reason.storage": (
        "데이터베이스에 쓸 수 없어({error}) 주문을 보내지 않았습니다: 기록할 수 없는 주문은 "
        "내지 않습니다. 디스크 공간을 확보하거나 데이터베이스 파일을 확인하세요."
    ),
    # numeric arguments (helper P3)
    "arg.bad_amount": "'{raw}'은(는) 올바른 금액이 아닙니다: 0.01 또는 50000처럼 일반 숫자로 입력하세요.",
    "arg.bad_value": "'{raw}'은(는) 올바른 값이 아닙니다: -{limit}부터 {limit} 사이의 숫자를 입력하세요.",
    # account events from the venue (helper P5)
    "account.liquidated": (
        "🚨 {venue} 강제 청산: {base} {side} {qty} @ {price}{pnl}\n남은 포지션: {qty_left}"
    ),
    "account.adl": (
        "⚠️ {venue} 자동 디레버리징(ADL): {base} {side} {qty} @ {price}{pnl}\n"
        "남은 포지션: {qty_left}"
    ),
    "account.settled": (
        "⚠️ {venue} 정산 청산(상장 폐지·만기): {base} {side} {qty} @ {price}{pnl}\n"
        "남은 포지션: {qty_left}"
    ),
    "account.position_changed": (
        "⚠️ {venue} {symbol}: 봇 밖에서 포지션이 바뀜: 기록 {ours}, 거래소 {real}. "
        "거래소 값을 반영했으며 그 손익은 여기서 집계되지 않음."
    ),
    # protection and kill switch (helper P1)
    "risk.unprotected": "⚠️ {symbol} 선물 포지션이 {seconds}초 동안 보호 주문 없이 열려 있었습니다: {what} 주문을 다시 냈습니다.",
    "risk.bracket.both": "손절(SL)·익절(TP)",
    "trading.kill_q_cancel_keep": (
        "킬스위치: 모든 봇을 중지하고 신규 진입을 거부하며 미체결 주문을 취소할까요? "
        "열린 선물 포지션 {positions}개는 손절/익절 주문과 함께 유지됩니다: 그 주문은 취소하지 않습니다."
    ),
    "trading.kill_kept": " 열린 포지션의 보호 주문 {kept}건은 유지.",
    # commands that survive a restart (helper Q1)
    "inbox.stale_ask": "{command} 명령은 서비스가 중단된 동안 {at}에 보내졌습니다. 지금 실행할까요?",
    "inbox.interrupted_ask": (
        "{command} 명령({at} 전송)이 재시작으로 중단되어 실행되지 않았을 수 있습니다. "
        "/orders 와 /positions 를 확인하세요. 지금 실행할까요?"
    ),
    "inbox.stale_ignored": (
        "무시됨: {command} 명령은 서비스가 중단된 동안 {at}에 보내져 실행되지 않았습니다. "
        "원하시면 다시 보내세요."
    ),
    "inbox.interrupted_ignored": (
        "무시됨: {command} 명령({at} 전송)이 재시작으로 중단되었고 다시 실행하지 않았습니다. "
        "원하시면 다시 보내세요."
    ),
    # freshness: streams behind the venue, balances from a venue that cannot be reached (helper Q2)
    "stream.why.delayed": "지연: 거래소보다 {seconds:.0f}초 늦음",
    "stream.why.caught_up": "거래소 시각을 따라잡음",
    "trading.balances_unreachable": "⚠️ {time} 기준, 거래소 연결 불가",
    "trading.balances_old": "⚠️ {time} 기준",
    "trading.balances_none": "⚠️ 조회 불가: 거래소 연결 불가",
    "trading.balances_none_why": "⚠️ 조회 불가: {reason}",
    "trading.balances_failed": "⚠️ {time} 기준, 갱신 실패: {reason}",
    # kill switch: flatten
    "trading.kill_q_flatten": (
        "킬스위치: 모든 봇을 중지하고 신규 진입을 거부하며, 미체결 주문을 모두 취소하고 열린 포지션 "
        "{positions}개를 모두 시장가로 청산할까요? (선물 손절·익절 주문 포함)"
    ),
    "trading.kill_flattened": " 포지션 {done}/{total}개 시장가 청산.",
    "trading.kill_not_closed": "⚠️ {venue} {symbol} 청산 안 됨: {reason}",
    # 사전 점검(doctor): python -m bot doctor, /doctor, 실거래 시작 전 점검
    "help.doctor": "사전 점검: 키, 권한, 시계, 포지션 모드, 잔고, 투입 금액",
    "helpdetail.doctor": (
        "거래소마다 API 키(인증, 주문 권한, 출금 권한 꺼짐, 이 서버 IP 허용), 시계, 선물 포지션·"
        "마진 모드, 잔고, 각 봇의 투입 금액이 최소 주문 금액 이상인지, 텔레그램을 점검합니다. "
        "❌가 하나라도 있으면 실거래는 시작하지 않습니다. 같은 점검: `python -m bot doctor`"
    ),
    "doctor.title": "🩺 사전 점검",
    "doctor.running": "🩺 사전 점검 중입니다 (몇 초 걸립니다)…",
    "doctor.area.bots": "봇",
    "doctor.area.upbit": "업비트",
    "doctor.area.binance": "바이낸스 현물",
    "doctor.area.binance_futures": "바이낸스 USDⓈ-M 선물",
    "doctor.area.telegram": "텔레그램",
    "doctor.item.keys": "API 키",
    "doctor.item.ip": "허용 IP",
    "doctor.item.clock": "시계",
    "doctor.item.trading": "주문 권한",
    "doctor.item.withdrawals": "출금 권한",
    "doctor.item.position_mode": "포지션 모드",
    "doctor.item.margin_mode": "마진 모드",
    "doctor.item.balance": "잔고",
    "doctor.item.stake": "투입 금액",
    "doctor.item.token": "봇 토큰",
    "doctor.item.chat": "채팅",
    "doctor.item.bots_file": "봇 설정 파일",
    "doctor.found.unreachable": "응답 없음 ({error})",
    "doctor.found.unexpected": "예상 밖의 응답 (HTTP {status}: {detail})",
    "doctor.found.clock": "거래소 시계와 {seconds}초 차이",
    "doctor.found.no_keys": "키 없음: 이 거래소에서는 거래하지 않습니다",
    "doctor.found.keys_needed": "키가 없는데 봇 {bots}이(가) 이 거래소에서 거래합니다",
    "doctor.found.keys_ok": "인증됨",
    "doctor.found.key_expires": "인증됨, {date} 만료 ({days}일 남음)",
    "doctor.found.binance_refused": "거부됨: {code} {msg}",
    "doctor.found.upbit_refused": "거부됨: {name} ({message})",
    "doctor.found.trading_on": "켜짐",
    "doctor.found.trading_off": "꺼짐: 주문이 거부됩니다",
    "doctor.found.futures_on": "켜짐",
    "doctor.found.futures_off": "꺼짐: 이 키로는 선물 거래를 할 수 없습니다",
    "doctor.found.withdrawals_off": "꺼짐",
    "doctor.found.withdrawals_on": "🚨 켜짐: 이 키를 손에 넣은 누구나 코인을 빼낼 수 있습니다",
    "doctor.found.upbit_withdrawals": "업비트는 키의 권한을 알려 주지 않습니다",
    "doctor.found.ip_restricted": "허용한 IP에서만 쓸 수 있는 키입니다",
    "doctor.found.ip_open": "어느 IP에서나 쓸 수 있는 키입니다",
    "doctor.found.ip_allowed": "이 서버의 IP가 허용되어 있습니다",
    "doctor.found.one_way": "단방향(one-way)",
    "doctor.found.hedge_mode": "양방향(헤지) 모드: 이 서비스는 단방향 포지션을 전제로 합니다",
    "doctor.found.margin_ok": "{mode}",
    "doctor.found.margin_other": "{mode} (서비스는 {wanted}로 거래합니다)",
    "doctor.found.balance": "{amount} {asset} 사용 가능",
    "doctor.found.balance_empty": "{asset} 없음",
    "doctor.found.stake_ok": "진입마다 {notional} {quote}, 최소 {minimum} {quote}",
    "doctor.found.stake_low": "진입마다 {notional} {quote}: 최소 주문 금액 {minimum} {quote}보다 적습니다",
    "doctor.found.stake_unknown": "잔고의 일정 비율인데 잔고를 알 수 없습니다 (최소 {minimum} {quote})",
    "doctor.found.market_unknown": "{symbol}은(는) 이 거래소의 마켓이 아닙니다",
    "doctor.found.telegram_off": "TELEGRAM_BOT_TOKEN 미설정: 휴대폰으로 알림과 체결 소식을 받을 수 없습니다",
    "doctor.found.telegram_token": "텔레그램이 토큰을 거부했습니다",
    "doctor.found.telegram_bot": "인증됨 (@{name})",
    "doctor.found.chat_unset": "TELEGRAM_CHAT_ID 미설정",
    "doctor.found.chat_bad": "채팅 {chat}에 연결할 수 없습니다: {error}",
    "doctor.found.chat_ok": "{chat} ({name})",
    "doctor.found.bots_bad": "사용할 수 없습니다: {error}",
    "doctor.found.no_bots": "{path}에 정의된 봇이 없습니다",
    "doctor.found.bots_ok": "{path}에 봇 {n}개",
    "doctor.fix.unreachable": "서버의 인터넷 연결과 *_REST_URL 설정을 확인하세요",
    "doctor.fix.retry": "잠시 후 다시 시도하세요. 계속되면 거래소 공지를 확인하세요",
    "doctor.fix.ntp": "서버 시계를 맞추세요 (예: `sudo timedatectl set-ntp true` 또는 `chrony` 설치)",
    "doctor.fix.set_keys": ".env에 {names}를 설정하거나 그 봇들을 지우세요",
    "doctor.fix.binance_key": (
        "BINANCE_API_KEY와 BINANCE_API_SECRET을 다시 복사해 넣고, 바이낸스 → API 관리에서 이 "
        "서버의 IP가 키의 허용 목록에 있는지 확인하세요"
    ),
    "doctor.fix.binance_trading": "바이낸스 → API 관리 → 키 수정 → '현물 및 마진 거래 활성화'를 체크하세요",
    "doctor.fix.binance_futures": (
        "바이낸스 → API 관리 → 키 수정 → '선물 활성화'를 체크하세요 (선물 계정을 열기 전에 만든 "
        "키는 안 되니 새로 만드세요)"
    ),
    "doctor.fix.binance_withdrawals": (
        "지금 바로: 바이낸스 → API 관리 → 키 수정 → '출금 활성화'를 해제하세요. 이 봇은 출금하지 "
        "않습니다"
    ),
    "doctor.fix.binance_ip_open": (
        "바이낸스 → API 관리 → 키 수정 → '신뢰할 수 있는 IP만 접근 허용'을 고르고 이 서버의 공인 "
        "IP를 넣으세요"
    ),
    "doctor.fix.hedge_mode": (
        "바이낸스 선물 → 설정 → 포지션 모드 → 단방향 모드 (열린 포지션과 주문이 없을 때만 바꿀 수 "
        "있습니다)"
    ),
    "doctor.fix.margin_mode": (
        "서비스가 다음 주문 전에 {wanted}로 바꾸는데, 그 종목에 포지션이나 주문이 열려 있으면 "
        "바이낸스가 거부합니다. 정리하거나 직접 바꾸세요"
    ),
    "doctor.fix.fund": "{asset}를 입금하거나 이 계정으로 옮기세요",
    "doctor.fix.stake": "봇 설정 파일에서 봇 {bot}의 stake를 {need} {quote} 이상으로 올리세요",
    "doctor.fix.market_unknown": "봇 설정 파일의 심볼을 고치세요",
    "doctor.fix.upbit_key": (
        "UPBIT_ACCESS_KEY와 UPBIT_SECRET_KEY를 다시 복사해 넣으세요. 만료되었거나 삭제된 키는 "
        "업비트 → 마이페이지 → Open API 관리에서 다시 발급받아야 합니다"
    ),
    "doctor.fix.upbit_ip": (
        "업비트 → 마이페이지 → Open API 관리에서 이 서버의 공인 IP를 키의 허용 IP에 추가하세요 "
        "(내부 주소가 아니라 인터넷에서 보이는 주소)"
    ),
    "doctor.fix.upbit_scope": "키에 권한이 모자랍니다: '자산조회', '주문조회', '주문하기' 권한으로 키를 발급받으세요",
    "doctor.fix.upbit_renew": "만료되기 전에 업비트 → Open API 관리에서 새 키를 발급받으세요",
    "doctor.fix.upbit_withdrawals": "업비트 → Open API 관리에서 이 키에 '출금하기'가 체크되어 있지 않은지 확인하세요",
    "doctor.fix.telegram_off": "TELEGRAM_BOT_TOKEN과 TELEGRAM_CHAT_ID를 설정하세요 (README, 설정 방법)",
    "doctor.fix.telegram_token": "@BotFather에서 토큰을 다시 복사해 TELEGRAM_BOT_TOKEN에 넣으세요",
    "doctor.fix.telegram_unreachable": "서버의 인터넷 연결과 TELEGRAM_API_URL을 확인하세요",
    "doctor.fix.chat": "봇에게 /start를 보낸 뒤 TELEGRAM_CHAT_ID를 내 사용자 id(또는 그룹 id)로 설정하세요",
    "doctor.fix.bots_bad": "메시지대로 봇 설정 파일을 고치세요",
    "doctor.summary_ok": "✅ 이상 없음: 실거래를 시작할 수 있습니다.",
    "doctor.summary_warn": "⚠️ 경고 {warns}건: 실거래는 시작할 수 있지만 고쳐 주세요.",
    "doctor.summary_fail": "❌ 문제 {fails}건, 경고 {warns}건: ❌를 모두 고칠 때까지 실거래를 시작하지 않습니다.",
    "doctor.live_refused": (
        "⛔ 실거래 거부: 사전 점검에서 문제 {fails}건이 나왔습니다. 주문은 보내지 않습니다. "
        "고친 뒤 /doctor로 확인하고 서비스를 다시 시작하세요."
    ),
    "trading.live_refused": (
        "⛔ 실거래 모드지만 사전 점검에서 실거래가 거부되었습니다: 모든 주문이 거부됩니다. "
        "/doctor에서 고칠 점을 확인하세요."
    ),
    "doctor.found.crashed": "점검 자체가 실패했습니다 ({error})",
    "doctor.fix.margin_auto": "서비스가 그 종목의 첫 주문 전에 {wanted}로 바꿉니다",
    "doctor.fix.binance_ip": (
        "바이낸스 → API 관리 → 키 수정 → '신뢰할 수 있는 IP만 접근 허용'에 {ip}(바이낸스가 본 "
        "주소)를 추가하세요. 이미 있다면 키와 시크릿을 확인하세요"
    ),
    # futures bracket failure policy (trading/bracket_policy.py)
    "bracket.why.rejected": "발동 시 거래소에서 거부됐습니다",
    "bracket.why.expired": "거래소에서 만료됐습니다",
    "bracket.why.stuck": "발동됐지만 주문으로 이어지지 않았습니다 (TRIGGERING 상태에 멈춤)",
    "bracket.why.no_order": "거래소에서 주문 없이 종료 처리됐습니다",
    "bracket.why.refused": "거부됐습니다: {reason}",
    "bracket.why.no_average": "진입 체결가를 알 수 없어 가격을 정할 수 없습니다",
    "bracket.failed_replacing": (
        "⚠️ {symbol} 선물: {what} 주문이 {why}. 포지션이 보호되지 않은 상태라 다시 냅니다."
    ),
    "bracket.failed_alert": (
        "🚨 {symbol} 선물: {what} 주문이 또 {why}. 포지션은 보호 주문 없이 열려 있습니다 "
        "(정책 {policy}). 지금 직접 손절을 걸거나 포지션을 청산하세요."
    ),
    "bracket.failed_closing": (
        "🚨 {symbol} 선물: {what} 주문이 {why}. 포지션을 시장가로 청산합니다 (정책 {policy})."
    ),
    "bracket.closed": "✅ {symbol} 선물 포지션을 시장가로 청산했습니다: {what} 주문이 {why}.",
    "bracket.close_failed": (
        "🚨 {symbol} 선물 포지션이 청산되지 않았고 ({why}) {what} 주문 없이 열려 있습니다. "
        "지금 직접 청산하세요. 다음 보호 점검 때 다시 시도합니다."
    ),
    # --- accounting views (bot/commands/accounting.py) over the one trade book ---
    "acct.manual": "수동",
    "acct.none": "–",
    "acct.open": "보유 중",
    "acct.margin": " · 증거금 {margin}",
    "acct.position_line": (
        "#{id} {owner} · {venue} {symbol}{lev}: {qty} @ {entry} · 현재가 {mark} · 평가액 {value}"
        " · 미실현 {upnl} ({pct}) · 실현 {rpnl}{margin}{liq}"
    ),
    "acct.trade_line": (
        "#{id} {opened} {owner} · {venue} {symbol} {side} {qty} · {entry} → {exit} · "
        "{pnl} ({pct}) · {state}"
    ),
    "acct.trades_title": "최근 거래 {n}건 (시각 {tz})",
    "acct.profit_title": "최근 {days}일 수익 (원화 기준)",
    "acct.profit_body": (
        "실현 손익 {realized} (종료된 거래 {closed_pnl}, 수수료 포함)\n"
        "수익률 {roi} · 승률 {win_rate} ({closed}건 중 {wins}승 {losses}패)\n"
        "손익비 {pf}\n"
        "최고 코인 {best} · 최저 코인 {worst}\n"
        "평균 보유 시간 {hold}\n"
        "최대 낙폭 {dd}\n"
        "보유 중인 거래 {open}건"
    ),
    "acct.unpriced": "\n원화 환율이 없어 {n}건은 제외됨",
    "acct.hold": "{h}시간 {m}분",
    "acct.hold_days": "{d}일 {h}시간",
    "acct.no_closed": "이 기간에 종료된 거래가 없습니다.",
    "acct.group_line": "{name}: {trades}건, {wins}건 이익 · {pnl} ({roi})",
    "acct.perf_title": "최근 {days}일 코인별 성과",
    "acct.stats_title": "최근 {days}일 청산 사유별 통계",
    "acct.reason.signal": "전략 신호",
    "acct.reason.stop_loss": "손절",
    "acct.reason.take_profit": "익절",
    "acct.reason.forced_exit": "강제 청산(/sell)",
    "acct.reason.manual": "수동",
    "acct.reason.liquidation": "강제 청산(거래소)",
    "acct.reason.other": "서비스 밖에서 종료",
    "acct.period_line": "{period}  {realized:>14}  수수료 {fees}  체결 {fills}건",
    "acct.period_total": "합계 {total} (실현 손익, 수수료 포함)",
    "acct.daily_title": "일별 손익, 최근 {n}일 ({tz})",
    "acct.weekly_title": "주별 손익 (월요일 시작), 최근 {n}주 ({tz})",
    "acct.monthly_title": "월별 손익, 최근 {n}개월 ({tz})",
    "arg.weeks": "주 수",
    "arg.months": "개월 수",
    "help.performance": "코인별 손익 (종료된 거래)",
    "help.stats": "청산 사유별 종료 거래",
    "acct.liq": " · 청산가 {price}",
    # freshness: no decision or order on old market data (issue 14)
    "reason.data_none": "{venue} {symbol} 시세가 아직 들어오지 않아 실행하지 않습니다.",
    "reason.data_old": (
        "{venue} {symbol}: 최신 시세가 {age}초 전 것입니다(한도 {max}초, MAX_DATA_AGE). "
        "오래된 시세로는 실행하지 않습니다."
    ),
    # /sell on futures with no long position: it opens a short, and says so (issue 14)
    "trading.sell_opens_short": (
        "⚠️ {venue}에 {symbol} 롱 포지션이 없습니다: 이 매도는 {lev}배 레버리지로 {base} {qty} "
        "숏 포지션을 새로 엽니다(가격이 내리면 이익, 오르면 손실). 숏을 열까요?"
    ),
    "trading.sell_adds_short": (
        "⚠️ {venue}에 이미 {base} {short} 숏 포지션이 있습니다: 이 매도는 {lev}배 레버리지로 "
        "숏을 {base} {qty}만큼 늘립니다. 숏을 늘릴까요?"
    ),
    # /kimp: a suspended figure carries its age (issue 14)
    "kimpcmd.figure_age": "{age} 전 시세",
    # start-up: which venues actually deliver market data (issue 14)
    "startup.market_partial": "시세 수신: {live} 연결됨; {trying} 연결 시도 중",
    "startup.offline": (
        "⚠️ 시세 없음: {secs}초 안에 {venues} 중 응답한 곳이 없습니다. 네트워크가 끊겼나요? "
        "서비스는 계속 재시도합니다. 인터넷 없이 봇을 써 보려면 오프라인 데모를 실행하세요: "
        "./dev run --sim"
    ),
    # /balance: what the total leaves out (issue 14)
    "trading.total_unpriced": "⚠️ 합계에서 빠짐(현재 원화 시세 없음): {assets}",
    # the report's premium, labelled with its basis (issue 14)
    "report_kimp_on": "김치 프리미엄 (BTC, {basis}, 알림과 같은 기준)",
    "status.private_streams": "계정 스트림 (주문·잔고 알림):",
    "status.private_up": "{venue}: 연결됨",
    "status.private_down": "{venue}: 끊김 ({reason}) · 주기적 조회(폴링)로 확인 중",
    # 거래소보다 늦은 시세 스트림 알림 (bot/notify/stream_delay.py)
    "stream.delay_notice": (
        "🟠 {venue} 시세 지연: 거래소보다 {seconds:.0f}초 늦게 들어오고 있습니다. 따라잡을 "
        "때까지 {venue} 신규 진입은 거부됩니다."
    ),
    "stream.caught_up_notice": (
        "🟢 {venue} 시세가 거래소를 따라잡았습니다 (약 {minutes}분 동안 최대 {seconds:.0f}초 지연)."
    ),
    # 계정 스트림이 끊긴 동안 거래소에서 닫힌 포지션 (trading/reconcile.py)
    "account.outside": (
        "⚠️ 봇 밖에서 {venue} 포지션이 청산된 것을 나중에 확인함 (강제청산, 자동감축 또는 수동 청산): "
        "{side} {qty} {base} @ {price}{pnl}\n남은 포지션: {qty_left}"
    ),
    "account.outside_estimated": (
        "⚠️ 봇 밖에서 {venue} 포지션이 청산된 것을 나중에 확인함. 거래소 체결 내역을 읽지 못해 마지막 "
        "가격으로 추정한 값입니다: {side} {qty} {base} @ ~{price}{pnl} (추정)\n"
        "남은 포지션: {qty_left}"
    ),
    # 재시작으로 답하지 못한 버튼 입력 (bot/telegram/inbox.py)
    "inbox.button_expired": (
        "⌛ 누르신 버튼이 서비스 재시작 전에 처리되지 못했습니다. 만료되어 아무것도 실행하지 "
        "않았습니다. 원하시면 명령을 다시 보내세요."
    ),
    "inbox.button_interrupted": (
        "⌛ 누르신 버튼을 처리하던 중 재시작으로 중단되었고 다시 실행하지 않았습니다. "
        "/orders 와 /positions 를 확인한 뒤 필요하면 명령을 다시 보내세요."
    ),
    "trading.mode_paper": "모의 거래",
    "trading.mode_live": "실거래",
    "trading.status_mode": "모드: {mode}",
    "trading.status_position": "{venue} {symbol}: {qty}",
    "trading.trade_line": "{day} {venue} {symbol} {side} {qty} @ {price} 수수료 {fee} 손익 {pnl}",
    "trading.futures_size": "선물 진입 수량을 지정하세요. 예: /buy futures BTC 0.01",
    "trading.close_qty": "청산할 {base} 수량을 지정하세요. 예: {example}",
    "unit.seconds": "{n}초",
    "unit.minutes": "{n}분",
    "unit.hours": "{n}시간",
    "unit.days": "{n}일",
    "unit.ago": "{age} 전",
    "kimpcmd.flag_implausible": " ⚠비정상",
    "signalaction.enter_long": "롱 진입",
    "signalaction.enter_short": "숏 진입",
    "signalaction.exit": "청산",
    "list": "{items}",
    "bot.no_such": "'{name}' 봇이 없습니다. 봇: {known}.",
    "bot.strategy_missing": "{name} 봇: 전략 '{strategy}'을(를) 쓸 수 없습니다.",
    "bot.already_running": "{name} 봇은 이미 실행 중입니다.",
    "bot.started": "{name} 봇 시작: {venue} {symbols} {timeframe}, 전략 {strategy}.",
    "bot.was_not_running": "{name} 봇은 실행 중이 아니었습니다.",
    "bot.still_holds": " 아직 {held} 보유 중입니다. 청산: /sell {name}",
    "bot.stopped": "{name} 봇을 중지했습니다.{tail}",
    "bot.paused": "{name} 봇 일시정지: 지표는 계속 갱신하지만 신호는 따르지 않습니다.",
    "bot.resumed": "{name} 봇을 재개했습니다.",
    "bot.position": "{symbol} {held}",
    "bot.which_coin": "{name} 봇은 {listing}을(를) 거래합니다. 코인을 지정하세요. 예: {example}",
    "bot.not_traded": "{name} 봇은 {coin}을(를) 거래하지 않습니다. 거래 종목: {listing}",
    "bot.start_first": "{name} 봇이 실행 중이 아닙니다. 포지션을 봇이 관리하도록 먼저 /start {name} 하세요.",
    "bot.resume_first": "{name} 봇은 일시정지 중입니다(신규 진입 없음). 먼저 /resume {name} 하세요.",
    "bot.holds_nothing": "{name} 봇은 포지션이 없습니다.",
    "bot.holds_no_symbol": "{name} 봇은 {symbol} 포지션이 없습니다.",
    "bot.already_holds": "{name} 봇은 이미 {symbol}을(를) 보유 중입니다({held}). 종목당 포지션은 하나입니다.",
    "bot.position_limit": "{name} 봇이 포지션 한도({limit}개)에 도달했습니다.",
    "bot.status_line": "{name}: {state}, {strategy} {symbols} {timeframe}, {pos}",
    "componentstate.starting": "시작 중",
    "componentstate.running": "실행 중",
    "componentstate.restarting": "재시작 중",
    "componentstate.stopped": "중지",
    "componentstate.failed": "실패",
    "kimp.zone.normal": "정상",
    "kimp.zone.high": "높음",
    "kimp.zone.low": "낮음",
    "kimp.zone_step": " ({level}단계)",
    "kimp.zone_waiting": ", 대기 중: {pending} ({secs}초 전부터)",
    "kimp.zone": "{zone}{step}{waiting}",
    "kimp.status_counts": "코인 {coins}개, 시세 {priced}개, 갱신 {updates}회, 알림 {sent}건 발송",
    "kimp.status_fx": "환율 {rate} KRW/USD",
    "kimp.status_no_fx": "환율 없음",
    "kimp.status_suspended": "알림 일시정지 {n}개: {coins}",
    "kimp.status_universe": "상장 목록 갱신 실패: {error}",
    "wallet.status_off": "입출금 확인 꺼짐 (API 키 없음)",
    "wallet.status_not_fetched": "아직 조회 전",
    "wallet.status_venue_none": "{venue}: {why}",
    "wallet.status_too_old": ", 오래되어 사용 안 함",
    "wallet.status_failed": "; 마지막 갱신 실패: {error}",
    "wallet.status_venue": "{venue}: 입출금 중단 코인 {blocked}개 ({secs}초 전){old}{failed}",
    "wallet.status": "입출금 확인: {parts}",
    "md.rest_fallback": " — REST 대체 수신",
    "md.rest_fallback_silent": " — REST 대체 경로 응답 없음",
    "md.health.live": "실시간",
    "md.health.delayed": "지연",
    "md.health.stale": "수신 정지",
    "md.venue": "{venue}: {health}{mode}",
    "md.ago": "{secs}초 전",
    "md.never": "없음",
    "md.state.connecting": "연결 중",
    "md.state.delayed": "지연 (거래소보다 {secs}초 늦음)",
    "md.why": " ({reason})",
    "md.connection": "  {name}: {state}, 마지막 수신 {age}, 프레임 {frames}개, 재연결 {reconnects}회{why}",
    "md.quiet": "    조용함 (재구독 후 수신 없음): {symbols}",
    "md.bad_input": "  잘못된 입력: {counts}",
    "md.candles": "캔들: 마감 {closed}개, REST로 보정 {repaired}개, 미검증 {unverified}개, 대기 {waiting}개",
    "kimpcmd.unit.%": "%",
    "kimpcmd.unit.pp": "%p",
    "kimpcmd.unit.s": "초",
    "kimpcmd.unit.coins": "개 코인",
    "reason.price_below_tick": "가격 {price}이(가) 최소 호가 단위보다 작습니다.",
    "reason.price_min": "가격 {price}이(가) 최소 가격 {min}보다 낮습니다.",
    "reason.price_max": "가격 {price}이(가) 최대 가격 {max}보다 높습니다.",
    "note.price_rounded": "가격 조정 {asked} → {to} (호가 단위 {tick})",
    "note.qty_rounded": "수량 조정 {asked} → {to} {base}",
    "trading.result": "✅ {mode}{side} {symbol}: {status} (주문번호 {id}){notes}",
    "wallet.status_and": "{first} · {then}",
    "wallet.venue.upbit": "업비트",
    "wallet.venue.binance": "바이낸스",
    "wallet.venue.binance_futures": "바이낸스",
    "cancel.no_order": "주문 {id}이(가) 없습니다. /orders 를 보세요.",
    "cancel.already": "이미 {status} 상태인 주문입니다.",
    "cancel.no_venue": "{venue}이(가) 설정되어 있지 않습니다.",
    "cancel.failed": "취소 실패: {why}",
    "cancel.failed_retry": "취소 실패: {why}. 다시 시도하세요.",
    "paper.no_price": "{venue} {symbol}의 시세가 아직 없습니다 (모의 거래).",
    # charts: console files, report chart, kimp chart, backtest chart (issue 14, pictures)
    "console.chart_saved": "📈 차트 저장: {path}",
    "console.chart_not_saved": "⚠️ 차트를 저장하지 못했습니다 ({reason}).",
    "chart.time_axis": "시간 ({zone})",
    "chart.report.premium_title": "BTC 김치 프리미엄 ({basis}), {until} {zone}까지 24시간",
    "chart.report.premium_axis": "프리미엄 (%)",
    "chart.report.premium_empty": "이 기간의 김프 기록이 없습니다",
    "chart.report.pnl_title": "{currency} 누적 실현 손익",
    "chart.report.pnl_axis": "손익 ({currency})",
    "chart.report.pnl_empty": "이 기간의 실현 손익이 없습니다",
    "chart.kimp.title": "{coin} 김프, 최근 24시간 ({zone})",
    "chart.kimp.axis": "프리미엄 (%)",
    "chart.kimp.usdt": "USDT 김프",
    "chart.kimp.fx": "환율 김프",
    "chart.kimp.tether": "테더 프리미엄",
    "chart.backtest.title": "{bot} 백테스트: {currency} 평가금액",
    "chart.backtest.equity_axis": "평가금액 ({currency})",
    "chart.backtest.drawdown_axis": "낙폭 (%)",
    "chart.backtest.entry": "진입",
    "chart.backtest.exit": "청산",
    "chart.backtest.time_axis": "시간 (UTC)",
    "version.line": "kimp-bot {version} · 데이터베이스 스키마 {schema}",
    "help.backup": "지금 데이터베이스 백업",
    "ops.off": "이 서비스에서는 운영 기능이 실행되고 있지 않습니다.",
    "ops.db_size": "데이터베이스: 디스크 {size} (재사용 가능한 빈 공간 {free})",
    "ops.backup_none": "마지막 백업: 아직 없음",
    "ops.backup_last": "마지막 백업: {name}, {age} 전",
    "ops.backup_done": "백업 완료: {name} ({size}). 최근 {keep}개를 {folder}에 보관합니다.",
    "ops.backup_failed": "백업 실패: {error}",
    "ops.never": "아직 없음",
    "ops.alive": "💓 정상 작동 중: 가동 {up}, 데이터베이스 {size}, 마지막 백업 {backup}",
    "ops.hb.off": "하트비트: 꺼짐 (서비스가 멈췄을 때 알림을 받으려면 HEARTBEAT_URL 설정)",
    "ops.hb.waiting": "하트비트: 아직 보낸 핑 없음",
    "ops.hb.ok": "하트비트: 정상, 마지막 핑 {age} 전 (총 {n}회)",
    "ops.hb.held": "하트비트: 보류 중, {why}",
    "ops.hb.failing": "하트비트: 핑 실패 ({error})",
    "ops.hb.stream_down": "스트림 {name} {age}째 끊김",
    "ops.hb.notifier_down": "알림 발송기 상태: {name}",
    # 코인별 김프 알림과 선물 정보 (issue 15)
    "help.watch": "김프 알림 관심 코인 (목록에 코인이 있으면 그 코인만 알림)",
    "help.unwatch": "김프 관심 코인에서 빼기",
    "help.kimpmute": "한 코인의 김프 알림을 잠시 끄기",
    "helpdetail.watch": (
        "코인 없이: 관심 목록. 코인과 함께: 목록에 추가. 목록이 비어 있으면 거래대금 "
        "하한(KIMP_MIN_VOLUME_KRW) 이상인 모든 코인이 알림을 보내고, BTC와 테더 프리미엄은 "
        "항상 알림을 보냅니다."
    ),
    "helpdetail.kimpmute": (
        "코인 알림 아래 버튼이 이 명령을 실행합니다. 알림 상태는 계속 김프를 따라가지만, 음소거가 "
        "끝날 때까지 그 코인의 메시지는 보내지 않습니다. 재시작 후에도 유지됩니다."
    ),
    "kimp.btn.mute_hour": "🔕 1시간",
    "kimp.btn.mute_today": "🔕 오늘",
    "kimp.btn.chart": "📈 차트",
    "watch.funding": "무기한 선물: 펀딩비 {rate}, 다음 펀딩 {next}, 마크 가격 {mark} ({age} 전)",
    "watch.funding_short": " · 펀딩비 {rate} ({next})",
    "watch.no_funding": "무기한 선물: 마크 가격·펀딩비 수신 없음 (바이낸스 USDⓈ-M 미상장 또는 선물 꺼짐)",
    "watch.levels_own": "코인별 알림 기준: 상단 {high}%, 하단 {low}%",
    "watch.levels_global": "알림 기준 (공통): 상단 {high}%, 하단 {low}%",
    "watch.on_list": "관심 목록에 있음",
    "watch.off_list": "관심 목록에 없음: 알림 없음 (/watch 로 추가)",
    "watch.muted_until": "🔕 {until}까지 음소거",
    "watch.below_floor": "거래대금 하한 미만 (24시간 {volume} < {floor}): 알림 없음",
    "watch.list_empty": "관심 목록이 비어 있습니다: 거래대금 하한 이상인 모든 코인이 알림을 보냅니다.",
    "watch.list": "관심 목록 ({n}개): {coins}. 이 코인들만 알림을 보냅니다 (BTC와 테더 프리미엄은 항상).",
    "watch.added": "👀 {coins} 관심 목록에 추가했습니다.",
    "watch.added_below_floor": "⚠️ {coins}: 24시간 거래대금이 {floor} 미만이라 넘을 때까지 알림이 없습니다.",
    "watch.which_coin": "어느 코인인가요? 예: {command} XRP",
    "watch.not_on_list": "관심 목록에 없는 코인: {coins}. /watch 를 보세요.",
    "watch.removed": "{coins} 관심 목록에서 뺐습니다.",
    "watch.bad_span": "'{raw}'은(는) 음소거 기간이 아닙니다. 30m, 1h, 2d (최대 30일), 오늘 또는 해제를 쓰세요.",
    "watch.mute_usage": "사용법: /kimpmute <코인> <1h | 30m | 2d | today | off>",
    "watch.muted": "🔕 {coin} 알림을 {until}까지 껐습니다. 다시 켜려면 /kimpmute {coin} off",
    "watch.unmuted": "🔔 {coin} 알림을 다시 켰습니다.",
    "watch.bad_level": "'{raw}'은(는) 쓸 수 있는 퍼센트 값이 아닙니다.",
    "watch.alert_usage": "사용법: /kimpalert <코인> [high <퍼센트> | low <퍼센트> | reset]",
    "watch.coin_title": "{coin} 김프 알림",
    "kimp.status_rules": "코인별: 관심 {watched}개, 음소거 {muted}개",
    "kimp.status_rules_floor": (
        "코인별: 관심 {watched}개, 음소거 {muted}개, 거래대금 하한 {floor} 미만 {low}개"
    ),
    # issue 15: FX from several sources, each rate's own time
    "kimp.why.fx_stale": "환율 없음: 가장 최근 환율({source}, {when})이 {age} 전 값{why}",
    "kimp.fx_disagree": "환율 소스 간 차이 {pct}%: {source} {rate} / {other} {other_rate}",
    "kimpcmd.fx_from": "환율: {rate} KRW/USD ({source}, 경과 {age})",
    "kimpcmd.fx_closed": "환율: {rate} KRW/USD ({source}, 외환시장 휴장: 마감 환율, 경과 {age})",
    "kimpcmd.fx_warn": "⚠️ {why}",
    "fx.source.dunamu": "두나무",
    "fx.source.yahoo": "야후",
    "fx.source.ecb": "ECB",
    # issue 15: Upbit's own warnings
    "notice.warning": "투자경고",
    "notice.caution": "투자주의: {cautions}",
    "notice.warning_and_caution": "투자경고, 투자주의: {cautions}",
    "notice.alert.warning_on": "⚠️ {venue} {market}: 투자경고 지정",
    "notice.alert.warning_off": "✅ {venue} {market}: 투자경고 해제",
    "notice.alert.caution_on": "⚠️ {venue} {market}: 투자주의 지정 {flags}",
    "notice.alert.caution_off": "✅ {venue} {market}: 투자주의 해제: {flags}",
    "kimpcmd.flag": "⚠️ 업비트 {coin}: {flags}",
    "reason.market_flagged": "신규 진입 안 함: 업비트가 {symbol}에 경고 지정 ({flags})",
    # issue 15: listings and delistings
    "listing.new": "🆕 {coin} 업비트(KRW)와 바이낸스(USDT) 동시 상장: 첫 김프 {pct}% (USDT 기준)",
    "listing.new_no_price": "🆕 {coin} 업비트(KRW)와 바이낸스(USDT) 동시 상장; 아직 가격 없음",
    "listing.gone": "🚫 {coin} 업비트(KRW)·바이낸스(USDT) 중 한 곳에서 상장 폐지 ({when} 기준 목록에서 사라짐)",
    # transfer-aware executable premium (alerts/executable.py, /kimp <coin>, /kimp net)
    "exec.title": "{size} 기준 송금 포함 (양쪽 테이커 수수료, 출금 수수료, 호가 깊이):",
    "exec.forward": "바이낸스 → 업비트",
    "exec.reverse": "업비트 → 바이낸스",
    "exec.leg": "  {direction}{route}: {value}",
    "exec.route": " {network} 네트워크 (수수료 {fee}, 최소 {minimum})",
    "exec.route_no_fee": " {network} 네트워크 (수수료 모름)",
    "exec.unknown": "모름",
    "exec.why_no_route": "보내는 쪽 출금과 받는 쪽 입금이 모두 열린 네트워크가 없음",
    "exec.why_no_books": "호가창을 받지 못함",
    "exec.why_below_minimum": "매수 수량이 최소 출금 수량보다 적음",
    "exec.why_thin": "주문 규모가 호가 깊이를 넘음 ({leg})",
    "exec.why_depth": "호가창을 읽지 못함: {error}",
    "exec.note_no_networks": "송금 비용 미반영: 입출금 상태를 모름 (API 키 필요)",
    "exec.note_fee_unknown": "{venue} 출금 수수료를 몰라 반영하지 않음",
    "exec.unavailable": "송금 포함: 계산 불가 ({why})",
    "kimpcmd.net_title": "순 실행 가능 김프 순위",
    "kimpcmd.net_columns": "코인     바→업 순   업→바 순",
    "kimpcmd.net_footer": (
        "{size} 기준, 양쪽 테이커 수수료, 가장 싼 열린 네트워크의 출금 수수료와 호가 깊이 반영; "
        "경로는 /kimp <코인>"
    ),
    "kimpcmd.net_empty": "아직 가격이 잡힌 코인이 없음",
    "kimpcmd.net_note": "*: 반영하지 못한 송금 비용이 있음 (/kimp <코인>에서 확인)",
    # decision reasons: the bots' gates, risk exits and the built-in strategies' explanations,
    # stored as key + params and worded when read (issue 14)
    "decision.stop_loss": "손절: {change}% ≤ -{limit}%",
    "decision.take_profit": "익절: {change}% ≥ {limit}%",
    "decision.no_position": "청산할 포지션이 없음",
    "decision.paused": "봇 일시정지 중: 신규 진입 안 함",
    "decision.already_in": "이미 {side} 보유 중: 종목당 포지션 하나",
    "decision.shorts_off": "이 봇은 숏 진입이 꺼져 있음 (`allow_short`)",
    "decision.position_limit": "포지션 한도 {limit}개 도달",
    "decision.low_confidence": "신뢰도 {confidence} < 최소 신뢰도 {minimum}",
    "decision.cooldown": "쿨다운: 마지막 청산 후 캔들 {left}개 더 대기",
    "decision.already_in_any": "이미 포지션 보유 중: 종목당 포지션 하나",
    "decision.low_confidence_any": "신뢰도가 최소 신뢰도 미만",
    "decision.cooldown_any": "마지막 청산 후 쿨다운",
    "decision.no_next_candle": "체결할 다음 캔들 없음",
    "decision.exit_signal": "전략 신호",
    "decision.stop_loss_hit": "손절",
    "decision.take_profit_hit": "익절",
    "decision.forced_exit": "강제 청산 (/sell)",
    "decision.forced_entry": "강제 진입 (/buy)",
    "decision.order_refused": "주문 거부: {reason}",
    "why.combined.exit": "청산: RSI {rsi}, EMA {short}/{mid}, MACD 히스토그램 {hist}",
    "why.combined.enter": (
        "{side}: EMA {short}/{mid}/{long}, RSI {rsi}, MACD 히스토그램 {hist}, 변동성 {vol}%"
    ),
    "why.ema_trend.exit": "추세 종료: EMA{fast} {short}이(가) EMA{slow} {mid}와 교차",
    "why.ema_trend.up": "{names} 정배열: {short} / {mid} / {long}",
    "why.ema_trend.down": "{names} 역배열: {short} / {mid} / {long}",
    "why.cross.back": "{fast} {fa}이(가) {slow} {sl}와 다시 교차",
    "why.cross.above": "{fast} {fa}이(가) {slow} {sl} 상향 돌파",
    "why.cross.below": "{fast} {fa}이(가) {slow} {sl} 하향 돌파",
    "why.macd.exit": "MACD 히스토그램 방향 전환 ({hist})",
    "why.macd.above": "MACD {macd}이(가) 시그널 {signal} 상향 돌파 (히스토그램 {hist})",
    "why.macd.below": "MACD {macd}이(가) 시그널 {signal} 하향 돌파 (히스토그램 {hist})",
    "why.rsi.oversold": "RSI{period} {rsi} < {level} (과매도)",
    "why.rsi.overbought": "RSI{period} {rsi} > {level} (과매수)",
    "why.rsi.exit": "RSI{period} {rsi}, 반대 구간 도달",
    "bots.held_upnl": "{symbol} {side} {qty} (미실현 {upnl})",
    # the backtest's printed report (python -m bot backtest), in LANGUAGE (issue 14)
    "bt.value": "{value}",
    "bt.no_trades": "거래 없음.",
    "bt.more_trades": "... 외 {n}건",
    "bt.col.entry": "진입 ({zone})",
    "bt.col.exit": "청산 ({zone})",
    "bt.col.symbol": "종목",
    "bt.col.side": "방향",
    "bt.col.entry_price": "진입가",
    "bt.col.exit_price": "청산가",
    "bt.col.pnl": "손익",
    "bt.col.reason": "사유",
    "bt.m.trades": "거래 수:     {n}",
    "bt.m.win_rate": "승률:        {rate}% (수익 거래 {wins}건)",
    "bt.m.profit_factor": "손익비:      {pf}",
    "bt.m.drawdown": "최대 낙폭:   {pct}%",
    "bt.m.fees": "수수료 합계: {fees}",
    "bt.m.start": "시작 자산:   {equity}",
    "bt.m.final": "최종 자산:   {equity} ({pct}%)",
    "bt.header": (
        "백테스트 {bot}: {strategy} · {venue} {symbols} {timeframe}, {start} ~ {end}, "
        "캔들 {candles}개, 체결 {fill} + 슬리피지 {slippage} BP, 수수료 {fee}% ({engine} 엔진, {took}초)"
    ),
    "bt.open_at_end": "종료 시점에 열린 포지션 (거래에 포함 안 됨): {n}",
    "bt.equity_png": "자산 곡선: {path}",
    # the executable premium's "cannot fill that size" reason in /kimp <coin> (issue 14)
    "kimp.exe.too_big": "금액이 {where}을(를) 넘음 ({leg})",
    "kimp.exe.top": "최우선 호가 잔량",
    "kimp.exe.depth": "호가창 전체 잔량",
    "kimp.exe.usdt_asks": "업비트 KRW-USDT 매도호가",
    "kimp.exe.usdt_bids": "업비트 KRW-USDT 매수호가",
    "kimp.exe.upbit_asks": "업비트 매도호가",
    "kimp.exe.upbit_bids": "업비트 매수호가",
    "kimp.exe.binance_asks": "바이낸스 매도호가",
    "kimp.exe.binance_bids": "바이낸스 매수호가",
    # web dashboard (bot/web): the page's words, served by /words/<lang>
    "web.title": "김프 봇 대시보드",
    "web.login": "로그인",
    "web.token": "웹 토큰",
    "web.wrong_token": "토큰이 맞지 않습니다",
    "web.logout": "로그아웃",
    "web.kimp": "김치 프리미엄",
    "web.filter": "코인 검색",
    "web.coin": "코인",
    "web.usdt_kimp": "USDT 김프",
    "web.fx_kimp": "환율 김프",
    "web.upbit": "업비트 (원)",
    "web.binance": "바이낸스 (USDT)",
    "web.age": "경과 (초)",
    "web.chart": "24시간 프리미엄",
    "web.positions": "포지션",
    "web.bots": "봇",
    "web.fills": "최근 체결",
    "web.streams": "스트림 상태",
    "web.start": "시작",
    "web.stop": "중지",
    "web.confirm": "{bot} 봇을 {action}할까요?",
    "web.none": "없음",
    "web.live": "실시간",
    "web.offline": "다시 연결 중…",
    "web.running": "실행 중",
    "web.stopped": "중지됨",
    "web.alerts": "최근 김프 알림",
    "web.equity": "최근 30일 실현 손익 (원)",
    "web.forward": "실행 가능 김프 (정방향)",
    "web.reverse": "실행 가능 김프 (역방향)",
    "listing.upbit_only": "🆕 {coin} 업비트(KRW) 신규 상장; 바이낸스(USDT) 마켓이 없어 김프 없음",
    "listing.binance_only": "🆕 {coin} 바이낸스(USDT) 신규 상장; 업비트(KRW) 마켓이 없어 김프 없음",
    "notice.alert.delisting": "📅 {venue} {market}: 거래지원 종료 예정 ({day})",
    "notice.delisting": "거래지원 종료 예정 {day}",
    "notice.flags_and_delisting": "{flags}; 거래지원 종료 예정 {day}",
    "reason.market_delisting": "신규 진입 안 함: 업비트가 {symbol} 거래지원을 {day}에 종료",
    "kimp.btn.group_hour": "🔕 코인 {n}개: 1시간",
    "kimp.btn.group_today": "🔕 코인 {n}개: 오늘",
    "kimp.btn.part_hour": "🔕 {coins} ({n}개): 1시간",
    "kimp.btn.part_today": "🔕 {coins} ({n}개): 오늘",
    "watch.muted_many": "🔕 {coins} 알림을 {until}까지 껐습니다. 다시 켜려면 /kimpmute {arg} off",
    "exec.cash_route": " + USDT {network} 네트워크 (수수료 {fee})",
    "exec.why_no_cash_route": "받는 쪽 USDT 출금과 보내는 쪽 USDT 입금이 모두 열린 네트워크가 없음",
    "exec.why_cash_below_minimum": "옮길 USDT가 최소 출금 수량보다 적음",
    "exec.note_no_cash_networks": "USDT 송금 비용 미반영: 입출금 상태를 모름",
    "exec.note_cash_fee_unknown": "{venue} USDT 출금 수수료를 몰라 반영하지 않음",
    "exec.notes": "{first}; {second}",
    # kimp-hedge bot (issue 16)
    "bot.hedge_not_forced": "{name}은(는) 김프 헤지 봇입니다. 프리미엄 구간에 따라 두 다리를 직접 열고 닫으므로 /buy, /sell은 쓸 수 없습니다 (/stop 또는 /pause를 쓰세요).",
    "hedge.enter_forward": "{basis} 김프 {premium}%가 진입 구간 {band}% 이하: 업비트 매수, 바이낸스 숏",
    "hedge.enter_reverse": "{basis} 김프 {premium}%가 역방향 구간 {band}% 이상: 업비트 매도, 바이낸스 롱",
    "hedge.exit_band": "{basis} 김프 {premium}%가 청산 구간 {band}%에 도달",
    "hedge.exit_time": "최대 보유 시간 {hours}시간 경과",
    "hedge.paused": "일시정지 중: 새 헤지 안 함",
    "hedge.no_price": "두 거래소 모두의 {coin} 현재 가격이 없습니다",
    "hedge.not_open": "헤지 {hedge}는 열려 있지 않습니다",
    "hedge.not_done": "헤지 실패 ({outcome}): {reason}",
    "hedge.outcome.opened": "진입 완료",
    "hedge.outcome.closed": "청산 완료",
    "hedge.outcome.unwound": "한쪽 주문이 실패해 다른 쪽을 되돌림",
    "hedge.outcome.exposed": "한쪽 주문이 실패했고 노출이 남아 있음",
    "hedge.outcome.refused": "거부됨",
    "hedge.direction.forward": "업비트 롱 / 바이낸스 숏",
    "hedge.direction.reverse": "업비트 매도 / 바이낸스 롱",
    "hedge.bot_opened": "헤지 봇 {name}: {coin} 헤지 진입 ({direction}), 양쪽 각 {qty}개: {reason}",
    "hedge.bot_closed": "헤지 봇 {name}: {coin} 헤지 청산: {reason}",
    "hedge.replay.title": "김프 헤지 리플레이: {bot} {coin}",
    "hedge.replay.summary": "{minutes}분 재생, 청산된 헤지 {trades}건{open}; 손익 {pnl} (수수료 {fees}, 펀딩 {funding}, 슬리피지 {slippage})",
    "hedge.replay.still_open": ", 1건 보유 중",
    "hedge.replay.trade": "{entry} → {exit} {direction}: 김프 {p0}% → {p1}%, {qty}개, 손익 {pnl}",
    "hedge.replay.no_samples": "{start}부터 {end}까지 {coin}의 김프 기록이 없습니다 (김프 모니터가 실행 중일 때 매분 저장합니다).",
    "hedge.chart.equity": "평가 자산 (원)",
    "hedge.chart.premium": "김프 (%)",
    "hedge.chart.bands": "진입 {entry}% / 청산 {exit}%",
    "hedge.search.header": "구간 조합 {combos}개; {split}까지 학습, 이후 검증. 학습 손익 상위:",
    "hedge.search.row": "진입 {entry}% 청산 {exit}% 규모 {size}: 학습 {train_pnl} (헤지 {train_n}건), 검증 {test_pnl} (헤지 {test_n}건)",
    "hedge.not_a_hedge_bot": "{name} 봇은 김프 헤지 봇이 아닙니다.",
    "hedge.no_executor": "양방향 주문 실행기가 설치되지 않았습니다 (TRADING_MODE=live): 헤지 거부",
    # --- hedges (trading/hedge, /hedge) ---------------------------------------------------------
    "help.hedge": "양방향 헤지 (업비트 현물 ↔ 바이낸스 USDⓈ-M): 목록, 상세, 진입, 청산",
    "helpdetail.hedge": (
        "/hedge 는 열린 헤지와 최근 헤지를 보여 줍니다. /hedge <id> 는 손익을 김프 변화, 슬리피지, "
        "수수료, 펀딩비로 나누어 보여 줍니다. /hedge open <코인> <원화> [reverse] 는 업비트에서 코인을 "
        "사고 바이낸스 USDⓈ-M 에서 같은 수량을 숏합니다 (reverse: 업비트에 보유한 코인을 팔고 롱). "
        "/hedge close <id> 는 두 다리를 시장가로 청산합니다. 둘 다 확인을 받습니다."
    ),
    "hedge.bad_size": "헤지에는 0보다 큰 원화 금액과 두 거래소의 가격이 필요합니다.",
    "hedge.too_small": "{size}은(는) 헤지하기에 너무 작습니다. 두 거래소 모두 최소 {qty}이(가) 필요합니다.",
    "hedge.below_min": "{total} 규모의 주문은 거래소 최소 금액 {min}보다 작습니다.",
    "hedge.no_venues": "헤지를 하려면 업비트와 바이낸스 USDⓈ-M 거래가 모두 설정되어 있어야 합니다.",
    "hedge.no_coins": "역방향 헤지는 업비트에 보유한 코인을 팝니다. {need}이(가) 필요하지만 보유량은 {held}입니다.",
    "hedge.venue_said": "{why}",
    "hedge.nothing_filled": "어느 쪽도 체결되지 않았습니다.",
    "hedge.mismatch_left": "거래소 최소 수량보다 작아 두 다리의 차이를 더 줄일 수 없습니다",
    "hedge.unknown": "{id} 헤지가 없습니다.",
    "hedge.busy": "{id} 헤지의 주문이 아직 처리 중입니다. 잠시 후 다시 시도하세요.",
    "hedge.not_filled": "주문이 체결되지 않았습니다 ({status}).",
    "hedge.failed_unwound": (
        "⚠️ {id} 헤지 ({coin}): {venue} 주문이 실패했습니다: {reason} 다른 쪽은 되돌렸습니다. "
        "남은 노출: {exposure}."
    ),
    "hedge.failed_exposed": (
        "🚨 {id} 헤지 ({coin}): {venue} 주문이 실패했습니다: {reason} 다른 쪽은 아직 열려 있습니다. "
        "남은 노출: {exposure}. /hedge close {id} 로 정리할 수 있습니다."
    ),
    "hedge.mismatch": "⚠️ {id} 헤지 ({coin}): 두 다리 수량이 {qty} 다릅니다: {reason}.",
    "hedge.crashed": "두 주문 사이에 서비스가 멈췄습니다",
    "hedge.repair_failed": "{id} 헤지: 복구하지 못했습니다 ({reason}). /hedge {id} 를 확인하세요",
    "hedge.repair_pending": "{id} 헤지: 주문 결과를 아직 모릅니다. 확인되면 복구합니다",
    "hedge.repaired_closed": "{id} 헤지 ({coin}) 청산 중이었습니다: 두 다리 모두 청산했습니다",
    "hedge.repaired_nothing": "{id} 헤지 ({coin}): 체결된 주문이 없어 열린 포지션이 없습니다",
    "hedge.repaired_both": "{id} 헤지 ({coin}): 두 주문 모두 체결되어 헤지가 열려 있습니다",
    "hedge.repaired_flattened": (
        "{id} 헤지 ({coin}): {venue} 쪽만 체결되어 있어 정리했습니다 (남은 포지션 없음)"
    ),
    "hedge.repaired_completed": (
        "{id} 헤지 ({coin}): 빠진 {venue} 주문을 넣어 헤지를 완성했습니다"
    ),
    "hedge.repaired_exposed": "🚨 {id} 헤지 ({coin}): 한쪽만 열려 있고 복구에 실패했습니다. 노출: {exposure}",
    "hedge.repaired_title": "시작 시 복구한 헤지:",
    "hedge.spot_gone_note": "현물 코인이 업비트 계정에서 빠져나갔습니다",
    "hedge.not_running": "헤지를 쓸 수 없습니다: 거래 기능이 실행 중이 아닙니다.",
    "hedge.usage": "사용법: /hedge [id] | /hedge open <코인> <원화> [reverse] [lev=N] | /hedge close <id> [수량|비율%]",
    "hedge.bad_amount": "금액을 원화로 입력하세요. 예: /hedge open BTC 1000000",
    "hedge.none": "아직 헤지가 없습니다. /hedge open <코인> <원화> 로 시작하세요.",
    "hedge.title": "헤지",
    "hedge.row": "{id} {coin} {direction} · {state} · {qty} · 손익 {pnl}",
    "hedge.dir.forward": "업비트 매수 / 선물 숏",
    "hedge.dir.reverse": "업비트 매도 / 선물 롱",
    "hedge.state.opening": "진입 중",
    "hedge.state.open": "보유 중",
    "hedge.state.closing": "청산 중",
    "hedge.state.closed": "청산됨",
    "hedge.state.unwound": "되돌림",
    "hedge.state.exposed": "노출됨",
    "hedge.state.refused": "거부됨",
    "hedge.detail_head": "{id} 헤지{bot}: {coin}, {direction}, {state}",
    "hedge.detail_bot": " (봇 {bot})",
    "hedge.detail_legs": "수량: 업비트 {spot}, USDⓈ-M {fut}",
    "hedge.detail_premium": "김프: {open} → {now}",
    "hedge.detail_pnl": "손익 ({kind}): {total}",
    "hedge.detail_split": (
        "  김프 변화 {premium}\n  슬리피지 {slippage}\n  수수료 −{fees}\n  펀딩비 {funding}"
    ),
    "hedge.realized": "실현",
    "hedge.unrealized": "보유 중, 현재가 기준",
    "hedge.detail_orders": "주문: {orders}",
    "hedge.detail_note": "메모: {note}",
    "hedge.open_question": (
        "{coin} 헤지를 열까요? {direction}, 업비트 약 {size}, 바이낸스 USDⓈ-M 에서 같은 수량 ({lev}배)"
    ),
    "hedge.close_question": "{id} 헤지 ({coin})의 두 다리를 시장가로 청산할까요?",
    "hedge.opened": "✅ {id} 헤지 진입: 업비트 {spot} ({spot_price}), USDⓈ-M {fut} ({fut_price}).",
    "hedge.closed": "✅ {id} 헤지 청산 완료. 손익 {pnl}.",
    "hedge.refused": "❌ 헤지를 열지 않았습니다: {reason}",
    "hedge.close_refused": "❌ {id} 헤지를 청산하지 못했습니다: {reason}",
    "hedge.outcome_unwound": "⚠️ {id} 헤지: {reason} 다른 쪽은 되돌렸고 남은 포지션은 없습니다.",
    "hedge.outcome_exposed": "🚨 {id} 헤지: {reason} 남은 노출: {exposure}. /hedge {id} 를 확인하세요.",
    "hedge.positions_title": "헤지 (각 다리는 위 거래소별 포지션에 포함):",
    "hedge.positions_row": "  {id} {coin} {qty} · 김프 {premium} · 손익 {pnl}",
    "hedge.profit_line": "헤지: 청산 {n}건 실현 {pnl}, 보유 {open}건",
    "hedge.report_line": "헤지: 청산 {closed}건 ({pnl}), 보유 {open}건",
    "hedge.outcome_unknown": (
        "거래소가 주문 {ids}에 아직 응답하지 않았습니다. 결과가 확인되는 대로 헤지를 완성하거나 "
        "정리합니다."
    ),
    "hedge.repaired_later": "주문 결과가 확인되어 복구한 헤지:",
    "hedge.fut_shared": (
        "{coin} USDⓈ-M 포지션에 헤지가 아닌 수량 {qty}이(가) 이미 있습니다. 헤지 주문이 그 포지션(과 "
        "손절 주문)에 합쳐지므로 먼저 정리하세요."
    ),
    "hedge.spot_gone": (
        "🚨 {id} 헤지 ({coin}): 업비트의 현물 코인이 없어졌습니다 (보유 {held}). 선물 쪽은 더 이상 "
        "헤지가 아닙니다. {action}"
    ),
    "hedge.fut_gone": (
        "🚨 {id} 헤지 ({coin}): USDⓈ-M 포지션이 없어졌습니다 (헤지 밖에서 청산되었거나 강제 청산). "
        "현물 쪽은 더 이상 헤지가 아닙니다. {action}"
    ),
    "hedge.fut_gone_note": "선물 쪽이 헤지 밖에서 청산되었습니다 (직접 청산 또는 강제 청산)",
    "hedge.both_gone": "{id} 헤지 ({coin}): 두 다리 모두 헤지 밖에서 청산되어 헤지를 닫았습니다.",
    "hedge.closed_outside": "두 다리 모두 헤지 밖에서 청산되었습니다",
    "hedge.kept": "남은 쪽은 그대로 둡니다 (HEDGE_FAILURE_POLICY=alert). /hedge close {id} 로 정리하세요.",
    "hedge.flattened": "{venue} 쪽을 정리했습니다.",
    "hedge.partial_close": "열림 상태가 아닌 헤지(노출, 진입 중, 청산 중)는 한 번에 전부 청산합니다. 수량 없이 청산하세요.",
    "hedge.repaired_flat": "{id} 헤지 ({coin}): 이미 두 다리 모두 정리되어 열린 포지션이 없습니다",
    "hedge.unknown_told": "⚠️ {id} 헤지 ({coin}): {reason} 그동안의 노출: {exposure}.",
    # --- issue 18: premiums across both KRW venues, the Upbit–Bithumb spread ------------------
    "name.bithumb": "빗썸",
    "kimp.venue_label": "{coin}({venue})",
    "kimp.spread_label": "{coin} {a}–{b} 가격차",
    "kimp.basis.spread": "{b} 대비 {a}",
    "kimp.spread.enter_high": "🔺 {prefix}{label} {value}: 알림 기준 {threshold}% 도달",
    "kimp.spread.enter_low": "🔻 {prefix}{label} {value}: 알림 기준 {threshold}% 도달",
    "kimp.spread.escalate_high": "⏫ {prefix}{label} {value}: {threshold}% 돌파 ({level}단계)",
    "kimp.spread.escalate_low": "⏬ {prefix}{label} {value}: {threshold}% 돌파 ({level}단계)",
    "kimp.spread.normal": "✅ {prefix}{label} 정상 복귀: {value}",
    "kimp.spread.jump": "⚡ {prefix}{label} 급변: {detail}, 현재 {value}",
    "spread.thin_asks": "싼 쪽 거래소 매도 호가가 이 금액에 부족",
    "spread.thin_bids": "비싼 쪽 거래소 매수 호가가 이 금액에 부족",
    "kimpcmd.venue_title": "김치 프리미엄 · {venue}",
    "kimpcmd.venue_off": "{venue}은(는) 이 서비스에서 감시하지 않습니다.",
    "kimpcmd.venue_args": "/kimp {venue} 또는 /kimp {venue} <코인> 으로 입력하세요.",
    "kimpcmd.spread_title": "{a}–{b} 가격차",
    "kimpcmd.spread_coin_title": "{coin}: {a}–{b} 가격차",
    "kimpcmd.spread_columns": "코인    가격차   비싼 곳   수수료 후",
    "kimpcmd.spread_none": "({a}·{b} 양쪽에 시세가 있는 코인이 아직 없음)",
    "kimpcmd.spread_footer": (
        "양쪽 상장 코인 {n}개 · 가격차 = {b} 대비 {a} · 수수료 후: 싼 곳에서 사서 비싼 곳에서 "
        "팔 때 {size}, 양쪽 시장가 수수료 차감 (코인 이체 비용 제외) · 알림 기준 "
        "{high}% / {low}%"
    ),
    "kimpcmd.spread_side": "{venue}  {price} (매수 {bid} / 매도 {ask}, 경과 {age})",
    "kimpcmd.spread_side_nobook": "{venue}  {price} (호가 아직 없음, 경과 {age})",
    "kimpcmd.spread_value": "가격차 {pct}: {dearer} 쪽이 더 비쌈",
    "kimpcmd.spread_even": "가격차 {pct}: 차이 없음",
    "kimpcmd.spread_exec": "{size} 기준, 양쪽 시장가 수수료 차감 후:",
    "kimpcmd.spread_round": "  {buy} 매수 → {sell} 매도: {value}",
    "kimpcmd.spread_no_exec": "실행 가능 가격차: 없음 (양쪽 호가가 아직 없음)",
    "kimpcmd.spread_no_coin": "{coin}: {a}·{b} 양쪽 시세가 아직 없습니다.",
    "kimpcmd.spread_args": "{cmd} 또는 {cmd} <코인> 으로 입력하세요.",
    "kimpcmd.venue_coin_title": "{coin} 김프 · {venue}",
    "kimpcmd.v_price": "{venue}  {price} (경과 {age})",
    "kimpcmd.v_forward": "  해외 매수/{venue} 매도 {value}",
    "kimpcmd.v_reverse": "  {venue} 매수/해외 매도 {value}",
    "kimpcmd.v_no_price": "{coin}: {venue} 김프가 아직 없습니다 (상장되지 않았거나 시세 대기 중).",
    # --- issue 18: Bithumb, the second KRW venue ------------------------------------------
    "venue.bithumb": "빗썸",
    "reason.min_total_bithumb": "주문 총액 {total}이(가) 빗썸 최소 주문 금액 {min}보다 적습니다.",
    "wallet.venue.bithumb": "빗썸",
    "notify.resent": "(재전송: 첫 전송에 텔레그램 응답이 없어 다시 보냅니다. 중복일 수 있습니다)",
    "reason.position_gone": "그 사이 {symbol} 선물 포지션이 이미 청산되었습니다 (다른 청산이 먼저 처리됨). 주문을 보내지 않았습니다.",
    "account.outside_opened": (
        "⚠️ 봇 밖에서(다른 앱 또는 웹) {venue} 포지션이 바뀐 것을 뒤늦게 확인했습니다: "
        "{side} {qty} {base} @ {price}\n현재 포지션: {qty_left}"
    ),
    "account.outside_estimated_opened": (
        "⚠️ 봇 밖에서 {venue} 포지션이 바뀐 것을 뒤늦게 확인했습니다. 거래소 체결 내역을 읽을 수 "
        "없어 마지막 가격으로 추정했습니다: {side} {qty} {base} @ ~{price} (추정)\n"
        "현재 포지션: {qty_left}"
    ),
    "stopwatch.unwatched": (
        "⚠️ 손절 감시 중단: 봇 {bot}의 {venue} {symbol} 포지션의 -{pct}% 손절은 거래소가 아니라 "
        "이 서비스가 지키는데, {why}. 해결될 때까지 손절이 실행되지 않습니다."
    ),
    "stopwatch.watched": (
        "🟢 손절 감시 재개: 봇 {bot}의 {venue} {symbol} ({seconds}초 동안 감시되지 않았습니다)."
    ),
    "stopwatch.why.bot_stopped": "봇이 정지되어 있습니다",
    "stopwatch.why.no_data": "{venue} 시세가 최신이 아닙니다 (스트림 끊김 또는 지연)",
    "acct.service_stop": " · 손절 -{pct}% (거래소가 아닌 서비스가 관리)",
    "stopwatch.service_down": (
        "⚠️ 서비스가 중단된 동안(약 {seconds}초) 봇 {bot}의 {venue} {symbol} -{pct}% 손절은 "
        "감시되지 않았습니다. 거래소가 아니라 이 서비스가 지키는 손절입니다. 포지션을 확인하세요."
    ),
    "notice.state.preview": "거래 대기: 입금만 가능, 아직 거래 불가",
    "notice.state.active": "거래 중",
    "notice.state.delisted": "거래지원 종료",
    "notice.state_and": "{state}; {rest}",
    "reason.market_not_trading": "{venue} {symbol} 마켓은 지금 거래되지 않습니다 ({state}). 주문을 보내지 않았습니다",
    "notice.alert.trading_open": "🔔 {venue} {market}: 거래 시작 (입금만 가능하던 마켓), 첫 김프 {pct}% (USDT 기준)",
    "notice.alert.trading_open_no_price": "🔔 {venue} {market}: 거래 시작 (입금만 가능하던 마켓), 김프는 아직 없음",
    "notice.alert.group": "⚠️ {venue}: 코인 {n}개의 투자경고/투자주의 지정 변경\n{lines}",
    "report_quiet_listings": "  🆕 {venue}에만 새로 상장, 알림 안 함 (KIMP_ONE_VENUE_LISTINGS): {n}개 ({coins})",
    "acct.venue_stop": " · 손절 -{pct}% (거래소에 STOP_LOSS 주문으로 걸림)",
    "trading.bad_stop": "'{raw}'은(는) 손절 지정이 아닙니다. sl=<가격> 또는 sl=<퍼센트>% 형식으로 입력하세요. 예: sl=58000, sl=3%",
    "trading.stop_venue": "거래소에 거는 손절은 바이낸스 현물 매수에만 지원됩니다. {venue}에서는 지원되지 않습니다(업비트에는 스탑 주문이 없고, 선물 손절은 봇의 진입과 함께 걸립니다).",
    "restore.no_file": "{path}에 파일이 없습니다: 백업 파일의 경로를 주세요 (BACKUP_DIR/bot-*.sqlite3)",
    "restore.not_a_file": "{path}는 파일이 아닙니다: 백업 파일의 경로를 주세요",
    "restore.empty": "{path}가 비어 있습니다: 백업이 아닙니다",
    "restore.damaged": "{path}가 손상되었습니다 ({detail}): 더 이전 백업을 쓰세요",
    "restore.newer": "{path}의 스키마 버전 {version}은 이 프로그램({latest})보다 새 버전입니다: 프로그램을 먼저 업그레이드한 뒤 복원하세요",
    "restore.no_version": "{path}는 스키마 버전이 없는 SQLite 파일로, 이 서비스의 데이터베이스가 아닙니다. `{cmd}` 또는 /backup으로 만든 백업을 주세요",
    "restore.not_ours": "{path}는 SQLite 파일이지만 이 서비스의 데이터베이스가 아닙니다 (없는 테이블: {missing}): `{cmd}` 또는 /backup으로 만든 백업을 주세요",
    "restore.not_sqlite": "{path}는 SQLite 데이터베이스가 아닙니다 ({detail}): 백업 파일을 주세요",
    "restore.unreadable": "{path}를 읽을 수 없습니다: {detail}",
    "restore.is_database": "{path}는 데이터베이스 자신입니다: 백업 파일을 주세요",
    "restore.locked": "{detail} 복원하려면 서비스를 먼저 중지하세요.",
    "restore.copy_damaged": "{path}의 복사본이 무결성 검사를 통과하지 못했습니다 ({detail})",
    "restore.copy_failed": "{path}를 복사할 수 없습니다: {detail}",
    "restore.cannot_write": "{folder}에 쓸 수 없습니다: {detail}. 현재 데이터베이스는 그대로 두었습니다.",
    "restore.aside_exists": "{path}가 이미 있습니다: 잠시 뒤 복원을 다시 실행하세요",
    "backup.no_folder": "백업 폴더 {folder}를 만들 수 없습니다: {detail}",
    "backup.copy_damaged": "복사본이 무결성 검사를 통과하지 못했습니다 ({detail})",
    "backup.copy_failed": "{path}를 백업할 수 없습니다: {detail}",
    "backup.cannot_write": "{folder}에 백업을 쓸 수 없습니다: {detail}",
    "cli.restore.refused": "복원 거부: {reason}",
    "cli.restore.done": "{path}(스키마 버전 {schema}; {counts})를 {db}로 복원했습니다",
    "cli.restore.count": "{table} {n}행",
    "cli.restore.kept": "이전 데이터베이스 파일은 {path}로 보관했습니다",
    "cli.restore.no_previous": "이전 데이터베이스는 없었습니다",
    "cli.restore.upgrade": "서비스가 시작할 때 스키마 버전 {latest}로 업그레이드합니다",
    "cli.restore.start": "이제 서비스를 시작하세요 (예: {cmd})",
    "cli.backup.no_db": "{path}에 데이터베이스가 없습니다: DB_PATH를 확인하세요",
    "cli.backup.failed": "백업 실패: {reason}",
    "cli.backup.written": "백업 완료: {path}",
    "cli.help.description": "{cmd}: 서비스를 실행합니다. {help}로 하위 명령을 봅니다.",
    "cli.help.help": "이 도움말을 보이고 끝냅니다",
    "cli.help.env_file": "설정 파일 (기본: .env)",
    "cli.help.sim": "오프라인 데모: 내장 거래소 시뮬레이터로 실행합니다 (키와 인터넷 불필요)",
    "cli.help.version": "프로그램과 데이터베이스 스키마의 버전을 보이고 끝냅니다",
    "cli.help.run": "서비스를 실행합니다 (기본)",
    "cli.help.doctor": "키, 권한, 시계, 모드, 잔고, 투입금, 텔레그램 사전 점검; ❌가 없으면 종료 코드 0, 있으면 1",
    "cli.help.backup": "지금 데이터베이스를 BACKUP_DIR에 백업합니다 (서비스 실행 중에도 안전), 최신 BACKUP_KEEP개를 보관",
    "cli.help.restore": "백업을 데이터베이스로 설치합니다 (서비스를 먼저 중지); 현재 데이터베이스는 지우지 않고 이름을 바꿔 보관",
    "cli.help.restore_file": "백업 파일, 예: {example}",
    "cli.help.backtest": "봇 백테스트: {cmd}",
    "cli.help.hedge_replay": "저장된 김프 기록으로 kimp_hedge 봇을 재현합니다: {cmd}",
    "cli.help.hedge_search": "저장된 김프 기록으로 kimp_hedge 봇의 진입·청산 구간을 찾습니다: {cmd}",
    "bt.help.description": "봇 파일의 봇을 저장된 캔들 또는 CSV 캔들로 백테스트합니다 (UTC 기준 날짜).",
    "bt.help.bot": "봇 파일에 있는 봇 이름",
    "bt.help.from": "첫날 (UTC)",
    "bt.help.to": "마지막 날 (UTC, 포함)",
    "bt.help.csv": "데이터베이스 대신 쓸 캔들 CSV",
    "bt.help.db": "SQLite 데이터베이스 (기본: DB_PATH)",
    "bt.help.png": "자산 곡선을 저장할 파일",
    "bt.help.bots": "봇 파일 (기본: BOTS_FILE)",
    "bt.help.symbol": "봇의 이 심볼만, 예: BTC/KRW",
    "bt.help.equity": "시작 자산 (기본: 모의 잔고)",
    "bt.help.fill": "체결 가격: 캔들의 종가 또는 다음 캔들의 시가",
    "bt.help.slippage": "슬리피지, 만분율 단위 (기본: PAPER_SLIPPAGE_BPS)",
    "bt.help.trades": "나열할 거래 수",
    "bt.err": "백테스트: {reason}",
    "bt.err.no_bot": "{file}에 봇 {bot}이 없습니다; 있는 봇: {known}",
    "bt.err.no_bots": "없음 ({file} 파일이 있나요?)",
    "bt.err.hedge_bot": "봇 {bot}은 kimp_hedge 봇입니다: {cmd}를 쓰세요",
    "bt.err.symbol": "봇 {bot}은 {symbol}을 거래하지 않습니다",
    "bt.err.csv_one_symbol": "CSV에는 한 심볼의 캔들만 들어 있습니다: {option}를 붙이세요",
    "bt.err.no_db": "{path}에 데이터베이스가 없습니다: {db} 또는 {csv}를 주세요",
    "bt.err.no_candles": "{where}에 {start}부터 {end}까지 {symbols}의 {timeframe} 캔들이 없습니다",
    "bt.err.png": "{path}를 쓸 수 없습니다: {detail}",
    "hedge.help.replay": "저장된 김프 기록으로 kimp_hedge 봇을 재현합니다 (UTC 기준 날짜).",
    "hedge.help.search": "저장된 김프 기록에서 kimp_hedge 봇의 진입·청산 구간과 규모를 찾습니다: 앞부분으로 학습하고 뒷부분으로 검증합니다.",
    "hedge.help.bot": "봇 파일에 있는 kimp_hedge 봇",
    "hedge.help.coin": "봇의 코인 중 어느 것 (기본: 첫 코인)",
    "hedge.help.funding": "저장된 펀딩비율이 없는 구간에서 숏이 8시간마다 받는 펀딩비율 (기본 0.0001 = 0.01%)",
    "hedge.help.entry": "진입 구간, {spec}",
    "hedge.help.exit": "청산 구간, {spec}",
    "hedge.help.size": "원화 규모, 쉼표로 구분 (기본: 봇의 투입금)",
    "hedge.help.train": "학습에 쓸 기간의 비율",
    "hedge.help.workers": "프로세스 수 (기본 2)",
    "hedge.help.top": "나열할 최상위 조합 수",
    "hedge.help.png": "자산과 김프 차트를 저장할 파일",
    "hedge.help.trades": "나열할 헤지 수",
    "hedge.err": "{name}: {reason}",
    "hedge.err.bands_format": "구간 범위는 {example} 형식입니다. 받은 값: {spec}",
    "hedge.err.bands_order": "구간 범위는 {form} 형식이며 끝은 시작 이상, 간격은 0보다 커야 합니다: {spec}",
    "hedge.err.sizes_format": "규모는 쉼표로 구분한 원화 금액입니다. 받은 값: {spec}",
    "hedge.err.sizes_positive": "규모는 0보다 큰 원화 금액이어야 합니다. 받은 값: {spec}",
    "hedge.err.not_hedge": "봇 {bot}은 {strategy} 봇입니다: {cmd}를 쓰세요",
    "hedge.err.coin": "봇 {bot}은 {coin}을 거래하지 않습니다; 거래하는 코인: {coins}",
    "hedge.err.no_db": "{path}에 데이터베이스가 없습니다: {option}를 주세요",
    "hedge.err.no_combos": "진입 구간보다 높은 청산 구간이 없습니다: {exit} 또는 {entry}를 넓히세요",
    "hedge.err.train": "{option}는 0과 1 사이의 비율입니다. 예: 0.7",
    # --- issue 16, second pass: partial close, leverage of a manual hedge, ... ---------------
    "hedge.bad_leverage": "레버리지는 1부터 {max} 사이의 정수로 입력하세요. 예: `lev=2`",
    "hedge.bad_close_qty": "청산할 부분을 코인 수량이나 비율로 입력하세요. 예: /hedge close h1a2b3c 500 또는 50%",
    "hedge.close_qty_above": "이 헤지는 다리마다 {held}개를 보유하고 있어 {qty}개는 너무 많습니다.",
    "hedge.reduce_question": "{id} 헤지 ({coin}) {held}개 중 {qty}개를 두 다리 모두 시장가로 청산할까요? 나머지는 그대로 유지됩니다.",
    "hedge.reduce_too_small": "부분 청산 수량과 남는 수량은 두 거래소 모두에서 각각 {qty} 이상이어야 합니다. 헤지 전체를 청산하세요.",
    "hedge.reduce_below_min": "부분 청산 후 한 다리가 {total}로 거래소 최소 주문 {min}보다 작아집니다. 헤지 전체를 청산하세요.",
    "hedge.reduced": "두 다리에서 {qty} 청산",
    "hedge.reduced_done": "✅ {id} 헤지: 두 다리에서 {qty}개를 청산했고 {left}개는 계속 보유합니다 (/hedge {id}).",
    "hedge.bracket_blocked": "{coin} USDⓈ-M 에는 {ids} 헤지의 선물 다리가 있습니다. 손절·익절이 걸린 진입은 원웨이 모드에서 같은 포지션으로 합쳐져, 그 손절이 헤지의 다리까지 청산하게 됩니다. 진입을 거절했습니다. 먼저 헤지를 청산하거나 (/hedge close) 다른 코인을 거래하세요.",
    # bots-file and strategy-file problems (strategies/problems.py)
    "bots.problems": "{source} 에 문제가 {n}개 있습니다: {problems}",
    "bots.strategies_problems": "{folder} 의 사용자 전략을 불러올 수 없습니다: {problems}",
    "bots.problem.in_bot": "봇 '{bot}': {problem}",
    "bots.problem.field": "{field}: {problem}",
    "bots.problem.entry": "{problem}",
    "bots.problem.param": "파라미터 {field}: {problem}",
    "bots.problem.params": "파라미터: {problem}",
    "bots.problem.missing": "필수 항목입니다",
    "bots.problem.unknown_field": "알 수 없는 항목입니다",
    "bots.problem.gt": "{gt}보다 커야 합니다",
    "bots.problem.ge": "{ge} 이상이어야 합니다",
    "bots.problem.lt": "{lt}보다 작아야 합니다",
    "bots.problem.le": "{le} 이하여야 합니다",
    "bots.problem.not_int": "정수여야 합니다",
    "bots.problem.not_number": "숫자여야 합니다",
    "bots.problem.not_bool": "`true` 또는 `false` 여야 합니다",
    "bots.problem.not_text": "따옴표로 감싼 문자열이어야 합니다",
    "bots.problem.one_of": "{expected} 중 하나여야 합니다",
    "bots.problem.not_table": "설정 테이블이어야 합니다",
    "bots.problem.not_list": "목록이어야 합니다",
    "bots.problem.other": "잘못된 값입니다: {detail}",
    "bots.problem.name": "영문자, 숫자, _ 또는 - 로 1-32자여야 합니다",
    "bots.problem.symbols_empty": '["BTC/KRW"] 처럼 비어 있지 않은 목록을 주세요',
    "bots.problem.not_symbol": "'{item}' 은(는) 심볼이 아닙니다 (BTC/KRW 처럼 BASE/QUOTE 형식)",
    "bots.problem.timeframe": "잘못된 봉 간격 '{tf}': 1m, 5m, 15m, 1h, 4h, 1d 처럼 쓰세요",
    "bots.problem.stake": "`stake`(금액)와 `stake_pct`(자산 대비 %) 중 정확히 하나만 설정하세요",
    "bots.problem.symbol_twice": "같은 심볼이 두 번 있습니다",
    "bots.problem.strategy": "알 수 없는 전략 '{name}'. 사용 가능: {known}",
    "bots.problem.short_spot": '`allow_short` 는 `exchange = "binance_futures"` 에서만 쓸 수 있습니다',
    "bots.problem.symbol": "{venue}에 없는 심볼 {symbol}",
    "bots.problem.symbol_quote": "{venue}에 없는 심볼 {symbol} (호가 통화는 {quotes})",
    "bots.problem.leverage_spot": '레버리지 {lev} 는 `exchange = "binance_futures"` 에서만 쓸 수 있습니다',
    "bots.problem.leverage_cap": "레버리지 {lev} 가 상한 MAX_LEVERAGE={max} 를 넘습니다",
    "bots.problem.toml": "올바른 TOML 이 아닙니다: {detail}",
    "bots.problem.top_key": "알 수 없는 최상위 키 '{name}' (봇은 [bots.NAME] 아래에 둡니다)",
    "bots.problem.bots_tables": "'bots' 는 [bots.NAME] 테이블이어야 합니다",
    "bots.problem.unreadable": "읽을 수 없습니다: {detail}",
    "bots.problem.order": "`{order}` 이어야 합니다",
    "bots.problem.several": "{problems}",
    "bots.problem.hedge_exit_band": "`exit_pct`({exit})는 `entry_pct`({entry})보다 커야 합니다",
    "bots.problem.hedge_reverse_bands": "`allow_reverse` 에는 `reverse_entry_pct` 와 `reverse_exit_pct` 가 필요합니다",
    "bots.problem.hedge_reverse_band": "`reverse_exit_pct`({exit})는 `reverse_entry_pct`({entry})보다 작아야 합니다",
    "bots.problem.hedge_exchange": '`kimp_hedge` 봇은 `exchange = "upbit"` (현물 다리) 이어야 합니다',
    "bots.problem.hedge_stake": "`kimp_hedge` 봇에는 `stake`(현물 다리의 원화 금액)가 필요합니다",
    "bots.problem.hedge_leverage": "`kimp_hedge` 봇의 숏 레버리지는 `leverage` 가 아니라 `params.short_leverage` 로 정합니다",
    "bots.problem.hedge_short_cap": "`short_leverage` {lev} 가 상한 MAX_LEVERAGE={max} 를 넘습니다",
    "bots.problem.hedge_brackets": "`kimp_hedge` 봇은 밴드로 청산합니다: `stop_loss_pct`/`take_profit_pct` 를 지우세요",
    "bots.problem.file_syntax": "{file}: {line}번째 줄 문법 오류: {detail}",
    "bots.problem.file_error": "{file} ({line}번째 줄): {detail}",
    "bots.problem.file_import": "{file}: 불러올 수 없습니다",
    "bots.problem.file_no_name": "{file}: {cls} 클래스에 `name` 이 필요합니다",
    "bots.problem.file_no_class": "{file}: `Strategy` 하위 클래스가 없습니다",
    "bots.problem.strategy_twice": "전략 이름 '{name}' 이 두 번 정의되었습니다",
    "hedge.replay.funding_stored": "펀딩비: 이 기간 펀딩 시각마다 저장된 실제 요율 {n}건을 적용했습니다 (마크 가격 스트림).",
    "hedge.replay.funding_fixed": "펀딩비: 이 기간 {coin}의 저장된 요율이 없어 8시간마다 고정 {rate}%를 적용했습니다 (`--funding-rate`).",
    # --- issue 18: 빗썸 연결 (수수료 차감 가격차 알림) ----------------------------------------
    "kimp.basis.spread_net": "{b} 대비 {a}, 양쪽 수수료 차감",
    "kimp.spread_no_net": "아직 양쪽 거래소 호가가 없음",
    # --- issue 18: 사전 점검의 빗썸 ---------------------------------------------------------
    "doctor.area.bithumb": "빗썸",
    "doctor.item.orders": "주문 조회",
    "doctor.item.wallet": "입출금 현황",
    "doctor.found.readable": "조회 가능",
    "doctor.found.bithumb_wallet": "조회 가능 (코인 {n}개의 입출금 상태)",
    "doctor.found.bithumb_permissions": "빗썸은 키의 주문·출금 권한을 알려주지 않습니다",
    "doctor.fix.bithumb_permissions": (
        "빗썸 → API 관리에서 이 키에 '주문하기'는 있고 '출금하기'는 없는지 확인하세요"
    ),
    "doctor.fix.bithumb_key": (
        "BITHUMB_ACCESS_KEY와 BITHUMB_SECRET_KEY를 다시 복사해 넣고, 이 서버의 IP가 키의 허용 "
        "목록에 있는지, 키가 만료되지 않았는지 확인하세요 (빗썸 → API 관리)"
    ),
    "doctor.fix.bithumb_scope": (
        "키에 권한이 모자랍니다: 빗썸 → API 관리에서 '자산조회', '주문조회', '주문하기' 권한으로 "
        "키를 발급받으세요"
    ),
    "kimp.tether_venue": "{venue} 테더(USDT)",
    "reason.bot_nothing_to_sell": (
        "팔 것이 없습니다: {bot} 봇이 가진 {symbol} 몫이 없습니다 (남은 수량은 사용자 것입니다)"
    ),
    # transfer-aware executable premium on another KRW venue (/kimp bithumb <coin>, /kimp net bithumb)
    "exec.forward_venue": "바이낸스 → {venue}",
    "exec.reverse_venue": "{venue} → 바이낸스",
    "kimpcmd.net_title_venue": "{venue} 순 실행 가능 김프 순위",
    "kimpcmd.net_columns_bithumb": "코인     바→빗 순   빗→바 순",
    "kimpcmd.net_footer_venue": (
        "{size} 기준, 양쪽 테이커 수수료({venue}·바이낸스), 가장 싼 열린 네트워크의 출금 수수료와 "
        "호가 깊이 반영; 경로는 /kimp {cmd} <코인>"
    ),
    "kimpcmd.net_args": "/kimp net 또는 /kimp net <{venues}> 로 입력하세요.",
    "kimpcmd.net_note_venue": "*: 반영하지 못한 송금 비용이 있음 (/kimp {cmd} <코인>에서 확인)",
}
