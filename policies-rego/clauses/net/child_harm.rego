# NET-CHILD-HARM: a proxy request the categorisation (lib/web) puts in "child_harm".
package invigilator.clauses.net.child_harm

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Material presenting a risk of harm to a child
# description: A member of staff accessed material that presents a risk of harm to a child (child abuse, self-harm or grooming categories); a safeguarding matter for the designated safeguarding lead.
# custom:
#   clause: NET-CHILD-HARM
#   kind: A
#   severity: critical
#   owner: dsl
#   gross_misconduct: true
#   refs:
#     elms-farm: 7.3(j)
#     st-peters: Inappropriate Use (j)
findings contains f if {
	some i in web.by_category.child_harm
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host presents a risk of harm to a child", web.event_evidence(i, event.proxy))
}
