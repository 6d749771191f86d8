# NET-HATE: a proxy request the categorisation (lib/web) puts in "hate".
package invigilator.clauses.net.hate

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Racist, discriminatory, violent or extremist material
# description: A member of staff accessed racist, discriminatory, violent or extremist material on school systems.
# custom:
#   clause: NET-HATE
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 5.2, 7.3(a)(c)
#     st-peters: Use of the Internet ¶2; Inappropriate Use (a)(c)
findings contains f if {
	some i in web.by_category.hate
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host carries racist, discriminatory, violent or extremist material", web.event_evidence(i, event.proxy))
}
