package invigilator.clauses.mail.confidential_external

import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail

# The confidentiality marks the message carries: its Sensitivity header when Company-Confidential,
# and any platform label on the school's confidential list (compared case-insensitively).
marks(m) := {s | s := object.get(m, "sensitivity", ""); lower(s) == "company-confidential"} | {label |
	some label in object.get(m, "labels", [])
	some confidential in object.get(config.school, "confidential_labels", [])
	lower(label) == lower(confidential)
}

# marked: the outbound messages with a sensitivity or labels, the only ones marks() can find.
marked := {i | some i in mail.outbound_messages; input.events[i].mail.sensitivity} | {i |
	some i in mail.outbound_messages
	input.events[i].mail.labels
}

# METADATA
# title: Confidential mail sent outside the school
# description: >-
#   A member of staff sent mail marked confidential to an external recipient whose domain is not
#   an approved data processor. A person must confirm.
# custom:
#   clause: MAIL-CONFIDENTIAL-EXTERNAL
#   kind: P
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 4.1, 7.3(d)
#     st-peters: General Guidance; Inappropriate Use (d)
findings contains f if {
	some i in marked
	event := input.events[i]
	m := event.mail
	mail.outbound(m)
	found := marks(m)
	count(found) > 0
	domains := mail.unapproved_external_domains(m)
	count(domains) > 0
	f := finding.make(i, rego.metadata.rule(), "mail.sensitivity or mail.labels confidential, mail.to an unapproved external domain", {
		"marks": sort(found),
		"external_domains": sort(domains),
	})
}
