"""kimp-bot: Upbit + Binance trading and kimchi-premium service controlled from Telegram."""

__version__ = "0.1.0"
