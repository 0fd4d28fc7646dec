"""What every app of the portal shares: the bottom layer of docs/architecture.md.

Nothing here imports an app of the portal; each module is small and generic (time zones, client addresses,
database helpers, the cache generations, the queue's enqueue-after-commit, spreadsheets, QR codes, form
rendering, the portal's template tags)."""
