"""Every write of procurement goes through these modules (check permission, validate, save, and post
the money on the shared ledger in one transaction); pages, API, CLI and tests all call them.

- `programmes`: programmes, products, awards, association rules, capacities, yearly outcomes
- `allocation`: the proposal explained per member, and confirming it (never over-allocated)
- `deliveries`: deliveries, inspection, rework, whole-order completion
- `money`: the ledger accounts of a contract, advance, final payment, retention, debts, balances
- `defaults`: a member failing on its allocation
- `warranty`: claims after acceptance
- `scoreboard`: the members' record, seen by every member of the association
"""
