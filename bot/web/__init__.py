"""The web face beside Telegram: a REST API, a live push stream and a dashboard page.

Served by uvicorn inside the service's own event loop as the supervised component "web"
(bot/features/web.py). Every request reads through the same facade and providers the Telegram
commands use; control requests go through the same bot manager, after an explicit confirm step.
"""
