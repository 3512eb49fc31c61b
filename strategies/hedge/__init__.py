"""The kimp-hedge bot: Upbit spot against a Binance USDⓈ-M short, entered and exited on premium
bands. `config` (the bots-file entry), `policy` (the pure decision), `premium` (the premium from
the bus), `paper` (the paper `HedgeGateway`, also the replay's fill model), `runner` (live),
`replay` and `search` (the premium replay backtest and its threshold search).
"""
