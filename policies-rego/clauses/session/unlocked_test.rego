package invigilator.clauses.session.unlocked_test

import data.invigilator.clauses.session.unlocked

unlocked_for(school, obs) := {"school": school, "events": [{"account": "jsmith", "observation": object.union({"type": "OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK", "logonId": "0x5A3F1"}, obs)}]}

test_screensaver_past_grace_fires if {
	[f] := [f | some f in unlocked.findings] with input as unlocked_for("elms-farm", {"seconds": 300, "hosts": ["PC-12"], "evidenceEventIds": ["e1"]})
	f.clause == "SESSION-UNLOCKED"
	f.kind == "A"
	f.severity == "low"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "1.4–1.6"
	f.reason == "observation.seconds: the screensaver ran 300 s without a workstation lock (grace 120 s)"
	f.evidence == {"account": "jsmith", "logonId": "0x5A3F1", "hosts": ["pc-12"], "seconds": 300, "graceSeconds": 120, "evidenceEventIds": ["e1"]}
}

test_exactly_the_grace_period_fires if {
	[f] := [f | some f in unlocked.findings] with input as unlocked_for("st-peters", {"seconds": 120})
	f.policy_ref == "Equipment Security and Passwords ¶4–6"
}

test_locked_within_grace_is_compliant if {
	count(unlocked.findings) == 0 with input as unlocked_for("elms-farm", {"seconds": 119})
	count(unlocked.findings) == 0 with input as unlocked_for("elms-farm", {})
}

test_grace_is_per_school if {
	count(unlocked.findings) == 0 with input as unlocked_for("st-peters", {"seconds": 200})
		with data.data.schools["st-peters"].thresholds.session_lock_grace_seconds as 300
	count(unlocked.findings) == 1 with input as unlocked_for("st-peters", {"seconds": 300})
		with data.data.schools["st-peters"].thresholds.session_lock_grace_seconds as 300
}

test_seconds_as_string_still_judged if {
	count(unlocked.findings) == 1 with input as unlocked_for("elms-farm", {"seconds": "600"})
}

test_other_observations_and_raw_lock_events_are_ignored if {
	count(unlocked.findings) == 0 with input as unlocked_for("elms-farm", {"type": "OBSERVATION_TYPE_ACCESS_DENIALS", "seconds": 600})
	count(unlocked.findings) == 0 with input as {"school": "elms-farm", "events": [{"endpoint": {"windowsEventId": 4802, "logonId": "0x1"}}]}
}
