"""Notifiers: where alerts go (the console now, chat apps next) and how they read."""
