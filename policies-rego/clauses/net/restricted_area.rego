package invigilator.clauses.net.restricted_area

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# window_ns(obs) is the length of the observation's window in nanoseconds; undefined when
# either end is missing or unparseable, or the window runs backwards.
window_ns(obs) := length if {
	length := time.parse_rfc3339_ns(obs.windowEnd) - time.parse_rfc3339_ns(obs.windowStart)
	length >= 0
}

# METADATA
# title: Attempted access to restricted areas
# description: >-
#   One user was denied access to restricted shares, or failed logons against other people's
#   accounts, at least the school's threshold of times within its window. A suspicion for a
#   person to confirm, never a sanction.
# custom:
#   clause: NET-RESTRICTED-AREA
#   kind: P
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.8"
#     st-peters: Systems Use and Data Security ¶9
findings contains f if {
	some i in endpoint.observed("OBSERVATION_TYPE_ACCESS_DENIALS")
	event := input.events[i]
	obs := endpoint.observation(event, "OBSERVATION_TYPE_ACCESS_DENIALS")
	denials := endpoint.number(obs, "count")
	denials >= config.thresholds.restricted_denials
	length := window_ns(obs)
	length <= (config.thresholds.restricted_window_minutes * 60) * 1000000000
	f := finding.make(
		i, rego.metadata.rule(),
		sprintf(
			"observation.count: %v denied accesses within %v s (threshold %v in %v min)",
			[denials, length / 1000000000, config.thresholds.restricted_denials, config.thresholds.restricted_window_minutes],
		),
		{
			"account": object.get(event, "account", ""),
			"count": denials,
			"windowStart": obs.windowStart,
			"windowEnd": obs.windowEnd,
			"evidenceEventIds": object.get(obs, "evidenceEventIds", []),
		},
	)
}
