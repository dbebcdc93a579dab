"""Notifications (issue 12, item 5): what is due across the instruments, as an in-app list per user
and an e-mail digest. This app reads the instruments' records; they never import it."""
