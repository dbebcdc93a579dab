"""Every write of the service centres goes through these modules (check permission, validate, save,
and post the money on the shared ledger in one transaction); pages, API, CLI and tests all call them.

- `catalogue`: centres, their services and fees, publications
- `money`: the ledger accounts of a centre, postings, public funds, finance by source per year
- `membership`: subscriptions with the fee of the firm's size
- `bookings`: equipment bookings that never overlap, cancellations
- `usage`: paid uses and downloads, each recorded
- `exchange`: spare capacity and needs, and their explained matches
"""
