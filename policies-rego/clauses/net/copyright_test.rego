package invigilator.clauses.net.copyright_test

import data.invigilator.clauses.net.copyright

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in copyright.findings] with input as request("thepiratebay.org")
	f.clause == "NET-COPYRIGHT"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "5.5, 7.3(f)"
	f.evidence == {"host": "thepiratebay.org", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in copyright.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.thepiratebay.org"}}],
	}
	f.policy_ref == "Use of the Internet ¶5; Inappropriate Use (f)"
}

test_subdomain_fires if {
	count(copyright.findings) == 1 with input as request("www.thepiratebay.org")
}

test_lookalike_domain_does_not_fire if {
	count(copyright.findings) == 0 with input as request("thepiratebay.org.example")
}

test_ordinary_site_does_not_fire if {
	count(copyright.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in copyright.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Warez"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(copyright.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "thepiratebay.org", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(copyright.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "thepiratebay.org"}}]}
}

test_each_matching_event_is_judged if {
	fs := copyright.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "thepiratebay.org"}},
		{"proxy": {"host": "www.thepiratebay.org"}},
	]}
	{f.event | some f in fs} == {1, 2}
}

test_external_list_is_honoured if {
	count(copyright.findings) == 1 with input as request("downloads.imported-warez.example")
		with data.data.categories.external as {"domains": {"imported-warez.example": ["piracy"]}}
	count(copyright.findings) == 0 with input as request("downloads.imported-warez.example")
		with data.data.categories.external as {}
}
