"""Chat front ends: where alerts go (the console, Telegram) and how they read; each renders
cards and turns taps, replies and commands into workflow calls, nothing else."""
