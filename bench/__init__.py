"""Convener's benchmark suite: `make bench` runs `bench/run.py` and prints one table."""
