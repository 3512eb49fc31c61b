"""Order execution: validation, risk, crash-safe order state, live adapters and the paper broker."""
