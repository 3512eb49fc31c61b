"""Two-leg hedges: Upbit KRW spot against Binance USDⓈ-M, executed and accounted.

- `store`: the `hedges` / `hedge_orders` tables (written before any leg is sent);
- `sizing`: one coin quantity on both venues' lot grids and minimums (pure);
- `legs`: what each leg holds, from the fills of the hedge's own orders;
- `executor`: `HedgeExecutor`, the `core.hedge.HedgeGateway` (send together, top up / trim,
  unwind per `FailurePolicy`, tell the user at once);
- `repair`: start-up repair of hedges a crash left half done; the spot-leg watch;
- `pnl`: the PnL split (premium change, slippage, fees, funding) in KRW;
- `provider`: `HedgeDesk`, what the app's commands and reports ask.
"""
