package invigilator.clauses.net.social_test

import data.invigilator.clauses.net.social

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_facebook_is_social if {
	[f] := [f | some f in social.findings] with input as request("www.facebook.com")
	f.clause == "NET-SOCIAL"
	f.event == 0
	f.severity == "high"
	f.gross_misconduct == true
	f.policy_ref == "2.5, 7.3(h)"
	f.evidence == {"host": "www.facebook.com"}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in social.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "instagram.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶6; Inappropriate Use (h)"
}

test_lookalike_domain_is_not_social if {
	count(social.findings) == 0 with input as request("notfacebook.com")
}

test_ordinary_site_is_not_social if {
	count(social.findings) == 0 with input as request("www.bbc.co.uk")
}

test_filter_category_counts if {
	count(social.findings) == 1 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "new-social.example", "categories": ["social"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(social.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}]}
}
