"""The benchmark (`make bench`, i.e. `python -m bench.run`): how fast offers load and the nightly run goes, on this machine."""
