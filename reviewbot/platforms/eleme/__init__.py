"""饿了么 open platform reviews (see adapter.py)."""
