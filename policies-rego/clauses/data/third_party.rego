package invigilator.clauses.data.third_party

import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail
import data.invigilator.lib.web

upload_threshold := object.get(config.thresholds, "upload_bytes", 5242880)

# METADATA
# title: Attachments sent to a third party
# description: >-
#   A member of staff mailed attachments to an external domain that is not an approved data
#   processor: data possibly shared without informing the Headteacher/DPO for a DPIA.
# custom:
#   clause: DATA-THIRD-PARTY
#   kind: P
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.3"
#     st-peters: Systems Use and Data Security ¶4
findings contains f if {
	some i in mail.outbound_messages
	event := input.events[i]
	m := event.mail
	m.attachments
	count(mail.attachments(m)) > 0
	mail.outbound(m)
	domains := mail.unapproved_external_domains(m)
	count(domains) > 0
	f := finding.make(i, rego.metadata.rule(), "mail.attachments sent, mail.to an external domain not in approved_data_processors", {
		"external_domains": sort(domains),
		"attachment_count": count(mail.attachments(m)),
		"private_marked": object.get(m, "privateMarked", false),
	})
}

# METADATA
# title: Large upload to a file-hosting site
# description: >-
#   A member of staff uploaded more than the school's threshold (default 5 MB) to a file-hosting
#   site: data possibly shared without informing the Headteacher/DPO for a DPIA.
# custom:
#   clause: DATA-THIRD-PARTY
#   kind: P
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.3"
#     st-peters: Systems Use and Data Security ¶4
findings contains f if {
	some i in web.by_category.filehosting
	event := input.events[i]
	request := event.proxy
	upper(object.get(request, "method", "")) in {"POST", "PUT"}
	size := to_number(object.get(request, "bytes", "0"))
	size > upload_threshold
	"filehosting" in web.categories(request)
	f := finding.make(i, rego.metadata.rule(), "proxy.method uploads proxy.bytes over the threshold to a filehosting proxy.host", {
		"host": request.host,
		"method": upper(request.method),
		"bytes": size,
	})
}
