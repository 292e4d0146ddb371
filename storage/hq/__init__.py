"""Head office across events: the redacted per-event file, its merge rules and the warehouse."""
