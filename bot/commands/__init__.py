"""Transport-independent command layer: Telegram and the console are two transports over it."""

from bot.commands.base import Button, CommandContext, Reply
from bot.commands.registry import CommandRegistry

__all__ = ["Button", "CommandContext", "CommandRegistry", "Reply"]
