"""Scheduled work: polling, the analyze-draft-alert pipeline and outbox delivery."""
