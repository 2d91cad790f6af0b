"""Entry points: the command line, the daemon, the demo and simulation, the JSON Lines
contracts and the import command."""
