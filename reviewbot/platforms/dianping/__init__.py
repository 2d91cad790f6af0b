"""大众点评 reviews, read-only (see adapter.py)."""
