"""Administration for the network's administrators: accounts, plugins (enable, disable, check) and the audit log."""
