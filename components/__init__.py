"""Custom Rasa graph components. They hold no rules of their own: the rules live in `bot/`."""
