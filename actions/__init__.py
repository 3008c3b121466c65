"""Rasa SDK actions. Each is thin: read the tracker, call a `bot` service, send the reply."""
from bot.redaction import install_log_filter

# The action server imports this package once at start-up, after configuring logging.
install_log_filter()
