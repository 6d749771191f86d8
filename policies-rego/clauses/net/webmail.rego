# NET-WEBMAIL: a proxy request the categorisation (lib/web) puts in "webmail".
package invigilator.clauses.net.webmail

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Personal web mail
# description: A member of staff used personal web mail (not the school's own mail platform) on school systems.
# custom:
#   clause: NET-WEBMAIL
#   kind: A
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.5"
#     st-peters: Systems Use and Data Security ¶6
findings contains f if {
	some i in web.by_category.webmail
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is a personal web mail site", web.event_evidence(i, event.proxy))
}
