"""Feishu / Lark: the internal app bot (cards with buttons, taps over the long connection)."""
