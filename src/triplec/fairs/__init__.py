"""Trade fairs and buyer links (issue 11, item 1): fairs programmes with their subsidy rules, fairs,
firms' participations alone or at an association's group stand, costs and subsidies on the shared
ledger, buyers met, orders traced to a fair, follow-ups at 3, 6 and 12 months, and the count of repeat
participations the firms paid themselves."""
