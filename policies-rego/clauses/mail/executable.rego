package invigilator.clauses.mail.executable

import data.invigilator.lib.finding
import data.invigilator.lib.mail

executable_extensions := {"exe", "scr", "com", "bat", "cmd", "js", "vbs", "ps1", "msi", "jar", "hta"}

# METADATA
# title: Executable attachment received
# description: An inbound mail carried an executable attachment, a likely virus for IT to examine.
# custom:
#   clause: MAIL-EXECUTABLE
#   kind: A
#   severity: medium
#   owner: it
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.7"
#     st-peters: Systems Use and Data Security ¶8
findings contains f if {
	some i in mail.inbound_messages
	event := input.events[i]
	m := event.mail
	m.attachments
	mail.inbound(m)
	found := mail.attachment_extensions(m) & executable_extensions
	count(found) > 0
	f := finding.make(i, rego.metadata.rule(), "mail.attachments[].extension is an executable type", {
		"extensions": sort(found),
		"file_names": sort({name |
			some a in mail.attachments(m)
			mail.extension(a) in executable_extensions
			name := object.get(a, "fileName", "")
		}),
		"from": mail.address(object.get(m, "fromAddress", "")),
	})
}
