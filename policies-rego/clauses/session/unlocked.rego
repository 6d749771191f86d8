package invigilator.clauses.session.unlocked

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# METADATA
# title: Terminal left unlocked
# description: >-
#   The screensaver started (4802) and the workstation was not locked (4800) in the same logon
#   session within the school's grace period.
# custom:
#   clause: SESSION-UNLOCKED
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: 1.4–1.6
#     st-peters: Equipment Security and Passwords ¶4–6
findings contains f if {
	some i in endpoint.observed("OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK")
	event := input.events[i]
	obs := endpoint.observation(event, "OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK")
	seconds := endpoint.number(obs, "seconds")
	grace := config.thresholds.session_lock_grace_seconds
	seconds >= grace
	f := finding.make(
		i, rego.metadata.rule(),
		sprintf("observation.seconds: the screensaver ran %v s without a workstation lock (grace %v s)", [seconds, grace]),
		{
			"account": object.get(event, "account", ""),
			"logonId": object.get(obs, "logonId", ""),
			"hosts": endpoint.hosts(obs),
			"seconds": seconds,
			"graceSeconds": grace,
			"evidenceEventIds": object.get(obs, "evidenceEventIds", []),
		},
	)
}
