"""The Discord surface: command groups, buttons, cards and background posting."""
