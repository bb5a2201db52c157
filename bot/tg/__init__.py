"""The Telegram layer: python-telegram-bot handlers that call the core and nothing more."""
