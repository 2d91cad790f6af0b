"""Platform adapters: one module per platform behind the `PlatformAdapter` protocol."""
