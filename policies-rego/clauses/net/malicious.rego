# NET-MALICIOUS: a proxy request the categorisation (lib/web) puts in "malicious".
package invigilator.clauses.net.malicious

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Malware, phishing or hacking site
# description: A school device reached a malware, phishing or hacking site; a security matter for IT.
# custom:
#   clause: NET-MALICIOUS
#   kind: A
#   severity: medium
#   owner: it
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.4"
#     st-peters: Systems Use and Data Security ¶5
findings contains f if {
	some i in web.by_category.malicious
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is a malware, phishing or hacking site", web.event_evidence(i, event.proxy))
}
