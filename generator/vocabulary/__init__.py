"""The domain facts every stage after the reader shares, each decided once (see types.py)."""
