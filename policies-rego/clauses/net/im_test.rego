package invigilator.clauses.net.im_test

import data.invigilator.clauses.net.im

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in im.findings] with input as request("whatsapp.com")
	f.clause == "NET-IM"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "2.5, 7.3(h)"
	f.evidence == {"host": "whatsapp.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in im.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "web.whatsapp.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶6; Inappropriate Use (h)"
}

test_subdomain_fires if {
	count(im.findings) == 1 with input as request("web.whatsapp.com")
}

test_lookalike_domain_does_not_fire if {
	count(im.findings) == 0 with input as request("whatsapp.com.example")
}

test_ordinary_site_does_not_fire if {
	count(im.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in im.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Instant Messaging"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(im.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "whatsapp.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(im.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "whatsapp.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := im.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "whatsapp.com"}},
		{"proxy": {"host": "web.whatsapp.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}
