package invigilator.clauses.net.excessive_nonwork_test

import data.invigilator.clauses.net.excessive_nonwork

observation(minutes) := {"observation": {
	"type": "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES",
	"date": "2026-11-23",
	"minutes": minutes,
}}

batch(school, events) := {"school": school, "events": events}

test_above_threshold_fires if {
	[f] := [f | some f in excessive_nonwork.findings] with input as batch("elms-farm", [observation(61)])
	f.clause == "NET-EXCESSIVE-NONWORK"
	f.event == 0
	f.severity == "low"
	f.owner == "hr"
	f.gross_misconduct == false
	f.kind == "A"
	f.policy_ref == "6.3(a)(c)"
	f.evidence == {"date": "2026-11-23", "minutes": 61, "threshold": 60}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in excessive_nonwork.findings] with input as batch("st-peters", [observation(200)])
	f.policy_ref == "Internet—monitoring ¶1 (second bullet)"
}

test_at_or_below_threshold_does_not_fire if {
	count(excessive_nonwork.findings) == 0 with input as batch("elms-farm", [observation(60)])
	count(excessive_nonwork.findings) == 0 with input as batch("elms-farm", [observation(5)])
}

test_zero_minutes_arrive_absent if {
	count(excessive_nonwork.findings) == 0 with input as batch("elms-farm", [{"observation": {"type": "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES", "date": "2026-11-23"}}])
}

test_school_threshold_is_honoured if {
	count(excessive_nonwork.findings) == 1 with input as batch("elms-farm", [observation(31)])
		with data.data.schools["elms-farm"].thresholds as {"nonwork_minutes_per_day": 30}
	count(excessive_nonwork.findings) == 0 with input as batch("elms-farm", [observation(61)])
		with data.data.schools["elms-farm"].thresholds as {"nonwork_minutes_per_day": 90}
}

test_threshold_defaults_to_60_when_not_configured if {
	excessive_nonwork.threshold == 60 with input as batch("elms-farm", [])
		with data.data.defaults.thresholds as {}
}

test_other_observations_and_events_are_ignored if {
	count(excessive_nonwork.findings) == 0 with input as batch("elms-farm", [
		{"observation": {"type": "OBSERVATION_TYPE_ACCESS_DENIALS", "count": 500, "minutes": 500}},
		{"proxy": {"host": "www.facebook.com"}},
		{"account": "a"},
	])
}

test_only_the_observation_event_is_cited if {
	fs := excessive_nonwork.findings with input as batch("elms-farm", [{"proxy": {"host": "www.gov.uk"}}, observation(75)])
	{f.event | some f in fs} == {1}
}
