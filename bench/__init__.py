"""`make bench`: the figures in docs/benchmarks.md, measured on this machine."""
