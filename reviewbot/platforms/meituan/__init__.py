"""美团外卖: both review gateways behind one adapter (see adapter.py)."""
