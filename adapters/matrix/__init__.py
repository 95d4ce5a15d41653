"""The Matrix adapter: a set runs in a Matrix room; ``!set <verb> …`` commands, cards with
reactions for buttons, forms asked in threads, check-ins in direct rooms (see ``docs/matrix.md``).
"""

from adapters.matrix.app import MatrixPlatform

PLUGIN = MatrixPlatform()
