"""Every write of supplier programmes goes through these modules (check permission, validate, save, and
post the money on the shared ledger in one transaction); pages, API, CLI and tests all call them.

- `programmes`: programmes, the buyer's consent, enrolment of suppliers (enterprises or homeworkers)
- `costs`: the cost-sharing rule and its postings on the ledger, the programme's balances
- `diagnostics`: diagnostics with scores and needs per area, and the improvement plan's actions
- `training`: training sessions and attendance
- `orders`: orders and deliveries recorded or imported (all or nothing), sales to other customers
- `kpis`: on-time share, defect rate, lead time, price; before/after per supplier and programme; spillover
"""
