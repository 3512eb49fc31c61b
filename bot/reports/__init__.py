"""Reports: the scheduled daily report and `/report`."""
