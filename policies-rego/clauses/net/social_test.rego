package invigilator.clauses.net.social_test

import data.invigilator.clauses.net.social

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in social.findings] with input as request("facebook.com")
	f.clause == "NET-SOCIAL"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "2.5, 7.3(h)"
	f.evidence == {"host": "facebook.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in social.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.facebook.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶6; Inappropriate Use (h)"
}

test_subdomain_fires if {
	count(social.findings) == 1 with input as request("www.facebook.com")
}

test_lookalike_domain_does_not_fire if {
	count(social.findings) == 0 with input as request("notfacebook.com")
}

test_ordinary_site_does_not_fire if {
	count(social.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in social.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Social Networking"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(social.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "facebook.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(social.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "facebook.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := social.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "facebook.com"}},
		{"proxy": {"host": "www.facebook.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}
