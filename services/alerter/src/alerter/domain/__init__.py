"""Pure alerting rules: routing, fatigue control and time. No framework, no I/O; "now" is passed in."""
