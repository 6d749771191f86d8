package invigilator.clauses.net.hate_test

import data.invigilator.clauses.net.hate

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in hate.findings] with input as request("hate-test.invalid")
	f.clause == "NET-HATE"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "5.2, 7.3(a)(c)"
	f.evidence == {"host": "hate-test.invalid", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in hate.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.hate-test.invalid"}}],
	}
	f.policy_ref == "Use of the Internet ¶2; Inappropriate Use (a)(c)"
}

test_subdomain_fires if {
	count(hate.findings) == 1 with input as request("www.hate-test.invalid")
}

test_lookalike_domain_does_not_fire if {
	count(hate.findings) == 0 with input as request("nothate-test.invalid")
}

test_ordinary_site_does_not_fire if {
	count(hate.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in hate.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Extremism"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(hate.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "hate-test.invalid", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(hate.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "hate-test.invalid"}}]}
}

test_each_matching_event_is_judged if {
	fs := hate.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "hate-test.invalid"}},
		{"proxy": {"host": "www.hate-test.invalid"}},
	]}
	{f.event | some f in fs} == {1, 2}
}

test_violence_vendor_category_fires if {
	count(hate.findings) == 1 with input as {"school": "elms-farm", "events": [{"proxy": {"host": "x.example", "categories": ["Violence"]}}]}
}
