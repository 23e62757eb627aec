"""Statistics for advocacy: blockages counted with small-count suppression, CSV and PDF exports, merging several instances."""
