"""Benchmarks: `make bench` (python -m bench, bench.directory, bench.triage) and `make scale-demo` (bench.scale)."""

# The scripted 10-turn conversation both the benchmark and the scale demo play; it includes a directory search.
SCRIPT = [
    "hello",
    "what is an ehcp",
    "are you a real person?",
    "is there speech therapy for my 4 year old near Gillingham?",
    "when are my bins collected",
    "can I talk to someone",
    "tell me about the parents forum",
    "what can you help with",
    "thanks",
    "bye",
]
