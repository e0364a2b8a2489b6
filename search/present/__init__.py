"""How records are shown: text for a terminal, JSON, and export documents."""
