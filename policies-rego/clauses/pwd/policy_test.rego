package invigilator.clauses.pwd.policy_test

import data.invigilator.clauses.pwd.policy

batch(school, policies) := {"school": school, "events": [{"directory": {"passwordPolicy": p}} | some p in policies]}

test_short_minimum_length_fires if {
	[f] := [f | some f in policy.findings] with input as batch("elms-farm", [{"name": "domain", "minLength": 6, "complexityEnabled": true}])
	f.clause == "PWD-POLICY"
	f.event == 0
	f.severity == "medium"
	f.owner == "it"
	f.kind == "A"
	f.gross_misconduct == false
	f.policy_ref == "1.2"
	f.reason == "directory.passwordPolicy.minLength 6 is below 8"
	f.evidence == {"policy": "domain", "minLength": 6, "requiredMinLength": 8, "complexityEnabled": true, "fineGrained": false}
}

test_complexity_off_fires_and_cites_st_peters if {
	[f] := [f | some f in policy.findings] with input as batch("st-peters", [{"name": "Staff-PSO", "minLength": 12, "fineGrained": true}])
	f.reason == "directory.passwordPolicy.complexityEnabled is false"
	f.evidence.fineGrained == true
	f.policy_ref == "Equipment Security and Passwords ¶2"
}

test_both_weaknesses_in_one_finding if {
	[f] := [f | some f in policy.findings] with input as batch("elms-farm", [{"name": "domain"}])
	f.reason == "directory.passwordPolicy.complexityEnabled is false; directory.passwordPolicy.minLength 0 is below 8"
	f.evidence.minLength == 0
}

test_empty_policy_message_fires if {
	count(policy.findings) == 1 with input as batch("elms-farm", [{}])
}

test_eight_characters_with_complexity_is_compliant if {
	count(policy.findings) == 0 with input as batch("elms-farm", [{"name": "domain", "minLength": 8, "complexityEnabled": true}])
}

test_school_may_raise_the_minimum if {
	count(policy.findings) == 1 with input as batch("elms-farm", [{"minLength": 10, "complexityEnabled": true}])
		with data.data.defaults.thresholds.password_min_length as 12
}

test_special_characters_unverifiable_without_filter if {
	policy.notes == {{
		"event": 0,
		"clause": "PWD-POLICY",
		"status": "unverifiable",
		"reason": "special characters cannot be proved from AD alone",
	}} with input as batch("st-peters", [{"name": "domain", "minLength": 14, "complexityEnabled": true}])
}

test_note_for_every_policy_even_weak_ones if {
	count(policy.notes) == 2 with input as batch("elms-farm", [{"minLength": 14, "complexityEnabled": true}, {"minLength": 4}])
}

test_password_filter_makes_special_characters_verifiable if {
	count(policy.notes) == 0 with input as batch("elms-farm", [{"minLength": 14, "complexityEnabled": true}])
		with data.data.schools["elms-farm"].password_filter as true
}

test_other_events_are_ignored if {
	events := {"school": "elms-farm", "events": [
		{"directory": {"windowsEventId": 4725, "targetAccount": "jsmith"}},
		{"endpoint": {"windowsEventId": 4648}},
		{"proxy": {"host": "www.bbc.co.uk"}},
	]}
	count(policy.findings) == 0 with input as events
	count(policy.notes) == 0 with input as events
}

test_decide_reports_the_note_beside_the_finding if {
	result := data.invigilator.decide with input as batch("elms-farm", [{"name": "domain", "minLength": 7, "complexityEnabled": true}])
	[f] := result.events[0]
	f.clause == "PWD-POLICY"
	some note in result.notes
	note.clause == "PWD-POLICY"
	note.status == "unverifiable"
}
