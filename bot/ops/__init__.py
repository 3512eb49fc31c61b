"""Running for months unattended: retention and upkeep, backups, the heartbeat, systemd."""
