"""Case files: the dossier, the documents held, the evidence log and its hash chain, deadlines and calendar, exports, retention and erasure."""
