"""Platform adapters: each turns a `Digest` into its platform's message and sends it."""
