# NET-SOCIAL: a proxy request the categorisation (lib/web) puts in "social".
package invigilator.clauses.net.social

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Social networking site
# description: A member of staff used a social networking site on school systems.
# custom:
#   clause: NET-SOCIAL
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 2.5, 7.3(h)
#     st-peters: Systems Use and Data Security ¶6; Inappropriate Use (h)
findings contains f if {
	some i in web.by_category.social
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is a social networking site", web.event_evidence(i, event.proxy))
}
