"""Scorers for dyadscope stages against gold sets (measure only; gold never feeds the product)."""
