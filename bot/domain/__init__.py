"""Domain types shared by every layer. Nothing in here imports from the rest of the project."""
