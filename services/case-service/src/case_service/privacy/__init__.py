"""Privacy by design (issue 6 §4): the hash-chained audit log, audited identity reveals, exceptional
content access, evidence only inside an open case, spot checks, subject access requests, retention."""
