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
