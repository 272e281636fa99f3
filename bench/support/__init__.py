"""Helpers the benchmarks share (not benchmarks themselves: CI runs only bench/*.py)."""
