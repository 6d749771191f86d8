package invigilator_test

import data.invigilator

batch := {"school": "elms-farm", "events": [
	{"proxy": {"host": "www.bbc.co.uk"}},
	{"proxy": {"host": "www.facebook.com"}},
	{"proxy": {"host": "www.gov.uk"}},
]}

test_findings_grouped_by_event_index if {
	result := invigilator.decide with input as batch
	object.keys(result.events) == {1}
	[f] := result.events[1]
	f.clause == "NET-SOCIAL"
	result.errors == set()
	result.notes == set()
}

test_unknown_school_is_reported if {
	result := invigilator.decide with input as {"school": "nowhere", "events": []}
	count(result.errors) == 1
}

# MAIL-CHAIN: with a forward-depth threshold of 0, mail without a forwardDepth is judged too.
test_zero_chain_depth_threshold_judges_unforwarded_mail if {
	unforwarded := {"school": "elms-farm", "events": [{"mail": {
		"fromAddress": "jbloggs@elmsfarm.example.sch.uk",
		"to": ["a@elmsfarm.example.sch.uk"], "recipientCount": 12,
	}}]}
	result := invigilator.decide with input as unforwarded
	result.events == {}
	zero := invigilator.decide with input as unforwarded
		with data.data.schools["elms-farm"].thresholds.chain_forward_depth as 0
	[f] := zero.events[0]
	f.clause == "MAIL-CHAIN"
	f.evidence == {"forward_depth": 0, "recipient_count": 12}
}
