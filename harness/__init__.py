"""Throwaway running servers for the tests and the benchmarks: the real assistant (action server and Rasa
server, as scripts/run starts them) and a PostgreSQL server, each on free ports, gone afterwards.
Kept outside tests/ so the packaged `bench` needs no test code."""
