"""reviewbot: review monitoring and crisis response for restaurants."""

__version__ = "0.1.0"
