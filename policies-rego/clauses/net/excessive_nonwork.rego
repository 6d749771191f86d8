# NET-EXCESSIVE-NONWORK: the stream processor counts, per person and local day, the minutes in
# working hours with at least one non-work request (lib/web is_nonwork) and sends an observation;
# this rule judges it against the school's threshold.
package invigilator.clauses.net.excessive_nonwork

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

threshold := object.get(config.thresholds, "nonwork_minutes_per_day", 60)

# METADATA
# title: Excessive non-work browsing
# description: A member of staff spent more than the school's daily threshold of working-hours minutes on non-work browsing.
# custom:
#   clause: NET-EXCESSIVE-NONWORK
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: 6.3(a)(c)
#     st-peters: Internet—monitoring ¶1 (second bullet)
findings contains f if {
	some i in object.get(endpoint.observations_by_type, "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES", set())
	event := input.events[i]
	event.observation.type == "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES"
	minutes := object.get(event.observation, "minutes", 0)
	minutes > threshold
	f := finding.make(
		i, rego.metadata.rule(), "observation.minutes is above the school's daily non-work threshold",
		{"date": object.get(event.observation, "date", ""), "minutes": minutes, "threshold": threshold},
	)
}
