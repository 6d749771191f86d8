package invigilator.clauses.net.child_harm_test

import data.invigilator.clauses.net.child_harm

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in child_harm.findings] with input as request("child-harm-test.invalid")
	f.clause == "NET-CHILD-HARM"
	f.event == 0
	f.severity == "critical"
	f.owner == "dsl"
	f.gross_misconduct == true
	f.policy_ref == "7.3(j)"
	f.evidence == {"host": "child-harm-test.invalid", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in child_harm.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.child-harm-test.invalid"}}],
	}
	f.policy_ref == "Inappropriate Use (j)"
}

test_subdomain_fires if {
	count(child_harm.findings) == 1 with input as request("www.child-harm-test.invalid")
}

test_lookalike_domain_does_not_fire if {
	count(child_harm.findings) == 0 with input as request("notchild-harm-test.invalid")
}

test_ordinary_site_does_not_fire if {
	count(child_harm.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in child_harm.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["IWF"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(child_harm.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "child-harm-test.invalid", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(child_harm.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "child-harm-test.invalid"}}]}
}

test_each_matching_event_is_judged if {
	fs := child_harm.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "child-harm-test.invalid"}},
		{"proxy": {"host": "www.child-harm-test.invalid"}},
	]}
	{f.event | some f in fs} == {1, 2}
}

test_self_harm_vendor_category_fires if {
	count(child_harm.findings) == 1 with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "x.example", "categories": ["Self Harm"]}}],
	}
}
