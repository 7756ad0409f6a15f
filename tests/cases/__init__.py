"""Catalogue cases, one module per area of the op catalogue (see tests/catalogue.py)."""
