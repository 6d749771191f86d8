package invigilator.clauses.net.restricted_area_test

import data.invigilator.clauses.net.restricted_area

denials(school, obs) := {"school": school, "events": [{"account": "jsmith", "observation": object.union(
	{
		"type": "OBSERVATION_TYPE_ACCESS_DENIALS",
		"windowStart": "2026-11-23T09:00:00Z",
		"windowEnd": "2026-11-23T09:06:00Z",
	},
	obs,
)}]}

test_five_denials_in_ten_minutes_fire if {
	[f] := [f | some f in restricted_area.findings] with input as denials("elms-farm", {"count": 5, "evidenceEventIds": ["x"]})
	f.clause == "NET-RESTRICTED-AREA"
	f.kind == "P"
	f.severity == "medium"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "2.8"
	f.reason == "observation.count: 5 denied accesses within 360 s (threshold 5 in 10 min)"
	f.evidence == {
		"account": "jsmith",
		"count": 5,
		"windowStart": "2026-11-23T09:00:00Z",
		"windowEnd": "2026-11-23T09:06:00Z",
		"evidenceEventIds": ["x"],
	}
}

test_window_of_exactly_ten_minutes_fires if {
	[f] := [f | some f in restricted_area.findings] with input as denials("st-peters", {"count": 9, "windowEnd": "2026-11-23T09:10:00Z"})
	f.policy_ref == "Systems Use and Data Security ¶9"
}

test_fewer_denials_do_not_fire if {
	count(restricted_area.findings) == 0 with input as denials("elms-farm", {"count": 4})
	count(restricted_area.findings) == 0 with input as denials("elms-farm", {})
}

test_longer_window_does_not_fire if {
	count(restricted_area.findings) == 0 with input as denials("elms-farm", {"count": 20, "windowEnd": "2026-11-23T09:10:00.001Z"})
}

test_window_missing_or_backwards_does_not_fire if {
	count(restricted_area.findings) == 0 with input as {"school": "elms-farm", "events": [{"observation": {"type": "OBSERVATION_TYPE_ACCESS_DENIALS", "count": 9}}]}
	count(restricted_area.findings) == 0 with input as denials("elms-farm", {"count": 9, "windowEnd": "2026-11-23T08:59:00Z"})
	count(restricted_area.findings) == 0 with input as denials("elms-farm", {"count": 9, "windowEnd": "not a time"})
}

test_thresholds_are_per_school if {
	count(restricted_area.findings) == 0 with input as denials("st-peters", {"count": 5})
		with data.data.schools["st-peters"].thresholds.restricted_denials as 8
	count(restricted_area.findings) == 0 with input as denials("st-peters", {"count": 5})
		with data.data.schools["st-peters"].thresholds.restricted_window_minutes as 5
	count(restricted_area.findings) == 1 with input as denials("st-peters", {"count": 8, "windowEnd": "2026-11-23T09:05:00Z"})
		with data.data.schools["st-peters"].thresholds.restricted_window_minutes as 5
		with data.data.schools["st-peters"].thresholds.restricted_denials as 8
}

test_other_observations_are_ignored if {
	count(restricted_area.findings) == 0 with input as denials("elms-farm", {"type": "OBSERVATION_TYPE_CONCURRENT_LOGONS", "count": 50})
}
