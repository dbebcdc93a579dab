"""Supplier upgrading with a large firm (issue 11, item 2): a programme anchored on a large buyer that
has consented, its small suppliers (homeworkers included), a subsidised diagnostic per supplier,
improvement plans, training sessions, KPIs from real orders, and the cost sharing on the shared ledger."""
