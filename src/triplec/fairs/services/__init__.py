"""The fairs services: every rule of the app, called by pages, API, demo and tests alike.

- `programmes`: programmes and their subsidy rules, fairs, group stands, signing firms up.
- `network_stands`: a brokered network signed up for a group stand with its member firms.
- `subsidy`: a participation's subsidy evaluated step by step, and the steps explained to the reader.
- `money`: paying a participation's costs on the ledger (subsidy and the firm's own part), balances.
- `links`: buyers met, orders, follow-ups and their reminders, self-paid repeat participations.
"""
