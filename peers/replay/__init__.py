"""A loopback HTTP peer that answers each request with a recorded reply (`server.ReplayPeer`):
real venue replies from tests/data/real/ fed through unmodified ccxt and our brokers."""
