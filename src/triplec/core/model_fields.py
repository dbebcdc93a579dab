"""Field options the instruments' models share, so an amount or a share means the same everywhere.

`MONEY`: an amount in a currency's units with cents (Decimal; the ledger posts it). `SHARE`: a part
of a whole, from 0 to 1 with four decimals (an advance, a cost share, a subsidy rate). The networks'
and the centres' amounts are narrower (14 digits); their columns predate these and keep their width.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator

MONEY = {"max_digits": 16, "decimal_places": 2}
SHARE = {"max_digits": 5, "decimal_places": 4,
         "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]}
