package invigilator.clauses.net.malicious_test

import data.invigilator.clauses.net.malicious

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in malicious.findings] with input as request("testsafebrowsing.appspot.com")
	f.clause == "NET-MALICIOUS"
	f.event == 0
	f.severity == "medium"
	f.owner == "it"
	f.gross_misconduct == false
	f.policy_ref == "2.4"
	f.evidence == {"host": "testsafebrowsing.appspot.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in malicious.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.testsafebrowsing.appspot.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶5"
}

test_subdomain_fires if {
	count(malicious.findings) == 1 with input as request("www.testsafebrowsing.appspot.com")
}

test_lookalike_domain_does_not_fire if {
	count(malicious.findings) == 0 with input as request("appspot.com")
}

test_ordinary_site_does_not_fire if {
	count(malicious.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in malicious.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Phishing"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(malicious.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "testsafebrowsing.appspot.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(malicious.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "testsafebrowsing.appspot.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := malicious.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "testsafebrowsing.appspot.com"}},
		{"proxy": {"host": "www.testsafebrowsing.appspot.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}

test_vendor_test_url_fires if {
	count(malicious.findings) == 1 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "urlfiltering.paloaltonetworks.com", "path": "/test-phishing"}}],
	}
	count(malicious.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "urlfiltering.paloaltonetworks.com", "path": "/"}}],
	}
}

test_eicar_is_not_a_malicious_site if {
	count(malicious.findings) == 0 with input as request("www.eicar.org")
}
