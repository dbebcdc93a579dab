"""Triple C evaluation (issue 12, items 1 and 2): the firm panel (`FirmYear`: a firm's yearly figures,
entered, imported from CSV/XLSX or KoboToolbox exports, or a baseline from a diagnostic) and the
scorecards that read every instrument's records (networks, procurement, fairs, supplier programmes,
service centres) and the shared ledger, and say for each intervention and programme how
customer-oriented, collective and cumulative it was, each figure with its evidence. Nothing imports
this app."""
