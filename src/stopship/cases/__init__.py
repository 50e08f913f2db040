"""Case management: users and keys, the customer master, alerts grouped into cases,
decisions with four-eyes release, sticky clears and re-screening on list change."""
