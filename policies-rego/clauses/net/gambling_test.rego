package invigilator.clauses.net.gambling_test

import data.invigilator.clauses.net.gambling

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in gambling.findings] with input as request("bet365.com")
	f.clause == "NET-GAMBLING"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "7.3(h)"
	f.evidence == {"host": "bet365.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in gambling.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.bet365.com"}}],
	}
	f.policy_ref == "Inappropriate Use (h)"
}

test_subdomain_fires if {
	count(gambling.findings) == 1 with input as request("www.bet365.com")
}

test_lookalike_domain_does_not_fire if {
	count(gambling.findings) == 0 with input as request("bet365.com.example")
}

test_ordinary_site_does_not_fire if {
	count(gambling.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in gambling.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Gambling"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(gambling.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "bet365.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(gambling.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "bet365.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := gambling.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "bet365.com"}},
		{"proxy": {"host": "www.bet365.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}
