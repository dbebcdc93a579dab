"""Public procurement through producers' associations (the Ceará model, issue 10): programmes,
contracts awarded to associations, allocation among members, money on the shared ledger,
deliveries and inspection, defaults, warranty and the members' scoreboard."""
