"""Stabilize: rewrite expressions that overflow or lose precision into stable forms."""
