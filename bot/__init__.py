"""madoguchi's assistant: Rasa actions, replies, logs, the app and the CLI.

Importing `bot` is cheap; the composition roots (`bot.app`, `bot.cli`) wire everything together.
"""
