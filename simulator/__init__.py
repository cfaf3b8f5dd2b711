"""The simulated call: personas, understanding, policy, render, voice, storage and the CLI."""
