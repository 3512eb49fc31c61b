"""Live venue adapters over ccxt (async). Nothing ccxt-shaped leaves this package."""
