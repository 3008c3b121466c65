"""Rasa SDK actions. Each is thin: read the tracker, call a `bot` service, send the reply."""
