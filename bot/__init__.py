"""replybot: a reply assistant for cross-border sellers."""

__version__ = "0.1.0"
