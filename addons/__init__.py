"""What the Rasa server loads by name from endpoints.yml besides channels and NLU components: the
redacting tracker store, and the speed-ups it installs. This is the only Rasa-facing code outside
`channels/`, `components/` and `actions/`; `bot/` stays free of Rasa."""
