"""Networks of firms: brokered networks (Danish model), PROFOs and agency-defined kinds, from first
contact to independence (issue 4; the paper's Box 2 and s.4.5)."""
