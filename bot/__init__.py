"""Medway SEND family assistant: the services behind the Rasa actions.

Nothing in this package imports Rasa, so the command line, the tests and the actions
all share one implementation of each rule.
"""
