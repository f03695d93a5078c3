"""Benchmarks: each reports ratios against a baseline measured in the same run (never absolute
wall-clock goals), printed and written to `bench/results/<name>.json`."""
