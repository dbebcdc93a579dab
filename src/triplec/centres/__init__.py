"""Real service centres (issue 11, item 3): catalogue, subscriptions, equipment bookings, publications,
usage, finance by source on the shared ledger, and the subcontracting exchange. Package `centres`
(app label `centres`): the name `services` is taken by every app's service layer."""
