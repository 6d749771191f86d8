package invigilator.clauses.net.chat_test

import data.invigilator.clauses.net.chat

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in chat.findings] with input as request("chatroulette.com")
	f.clause == "NET-CHAT"
	f.event == 0
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "2.5, 5.4, 7.3(h)"
	f.evidence == {"host": "chatroulette.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in chat.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.chatroulette.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶6; Use of the Internet ¶4; Inappropriate Use (h)"
}

test_subdomain_fires if {
	count(chat.findings) == 1 with input as request("www.chatroulette.com")
}

test_lookalike_domain_does_not_fire if {
	count(chat.findings) == 0 with input as request("chatroulette.company")
}

test_ordinary_site_does_not_fire if {
	count(chat.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in chat.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Chat Rooms"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(chat.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "chatroulette.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(chat.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "chatroulette.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := chat.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "chatroulette.com"}},
		{"proxy": {"host": "www.chatroulette.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}
