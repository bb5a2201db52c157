"""The evidence log: a hash-chained SQLite record of every buyer and seller message."""
