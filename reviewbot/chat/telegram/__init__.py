"""The Telegram front end: alert cards with buttons, the edit conversation and commands,
rendered here and carried out by the workflow (reviewbot/workflow/)."""

import os

# Opt in to python-telegram-bot's coming behaviour (time periods as timedelta) now, so
# its deprecation path is never hit; reviewbot reads both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
