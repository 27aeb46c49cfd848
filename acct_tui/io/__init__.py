"""Data in and out.

- `common`    CSV reading (encodings, line numbers), cell parsers, the import report
- `plan`      the applier every importer shares: resolve, compare, write in one transaction
- `importer`  one entry point: `run(source, directory, commit=..., owner_map=...)`
- `csvdir`    our own ten-file CSV format, import and `export dir`
- `salesforce`, `hubspot`  the CRM exports
- `export`    scoped listings for `acct-tui export accounts|activities|alerts|cases`
- `ics`       the iCalendar feed
"""
