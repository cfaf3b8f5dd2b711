"""The web pages, one module per page, each with ``build(services)``."""
