"""Triage for forum volunteers: suggested answers for a file of parents' questions."""
