"""The département page: what the plugins know about a département, its gaps, and where it comes from."""
