package invigilator.clauses.net.adult_test

import data.invigilator.clauses.net.adult

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in adult.findings] with input as request("pornhub.com")
	f.clause == "NET-ADULT"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "5.2, 7.3(a)"
	f.evidence == {"host": "pornhub.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in adult.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.pornhub.com"}}],
	}
	f.policy_ref == "Use of the Internet ¶2; Inappropriate Use (a)"
}

test_subdomain_fires if {
	count(adult.findings) == 1 with input as request("www.pornhub.com")
}

test_lookalike_domain_does_not_fire if {
	count(adult.findings) == 0 with input as request("notpornhub.com")
}

test_ordinary_site_does_not_fire if {
	count(adult.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in adult.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Pornography"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(adult.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "pornhub.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(adult.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "pornhub.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := adult.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "pornhub.com"}},
		{"proxy": {"host": "www.pornhub.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}
