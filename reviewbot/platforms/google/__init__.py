"""Google Business Profile reviews (see adapter.py)."""
