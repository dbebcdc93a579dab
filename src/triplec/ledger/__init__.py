"""One double-entry money ledger shared by every instrument (networks, procurement, fairs, ...).

Callers use `triplec.ledger.services` only: `post`, `reverse`, `balance`, `statement`, `account_for`.
"""
