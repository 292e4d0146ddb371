"""Several laptops at one event: bundles out, merges in, the same result everywhere.

`state` reads one event's rows (and fingerprints them), `rules` is the merge itself as a
pure function of row sets, `merge` writes its result into a database in one transaction,
`bundle` is the encrypted file that carries an event between laptops, `device` prepares a
new laptop (clone, adopt). The design and its reasons: docs/sync.md.
"""
