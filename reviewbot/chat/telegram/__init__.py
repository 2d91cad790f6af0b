"""The Telegram side of reviewbot: alert cards with buttons, the staff workflow, commands."""

import os

# Opt in to python-telegram-bot's coming behaviour (time periods as timedelta) now, so
# its deprecation path is never hit; reviewbot reads both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
