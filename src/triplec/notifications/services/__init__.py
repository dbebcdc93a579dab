"""Notification services: `due` (what is due, for whom), `inbox` (refresh, the list, read marks) and
`mail` (the e-mail digests). Pages, API, CLI and the task call these."""
