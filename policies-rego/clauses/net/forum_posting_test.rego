package invigilator.clauses.net.forum_posting_test

import data.invigilator.clauses.net.forum_posting

request(method, host) := {"school": "elms-farm", "events": [{"proxy": {"method": method, "host": host, "path": "/r/teaching/comments"}}]}

test_post_to_a_forum_fires if {
	[f] := [f | some f in forum_posting.findings] with input as request("POST", "www.reddit.com")
	f.clause == "NET-FORUM-POSTING"
	f.event == 0
	f.severity == "medium"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "5.4"
	f.evidence == {"host": "www.reddit.com", "categorised_by": "list", "blocked": false, "method": "POST"}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in forum_posting.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"method": "POST", "host": "www.mumsnet.com"}}],
	}
	f.policy_ref == "Use of the Internet ¶4"
}

test_a_school_that_adopts_a_document_cites_its_sections if {
	[f] := [f | some f in forum_posting.findings] with input as request_at("oak-hill", "www.reddit.com")
	f.policy_ref == "5.4"
	[g] := [g | some g in forum_posting.findings] with input as request_at("riverside", "www.mumsnet.com")
	g.policy_ref == "Use of the Internet ¶4"
}

request_at(school, host) := {"school": school, "events": [{"proxy": {"method": "POST", "host": host}}]}

test_method_is_case_insensitive if {
	count(forum_posting.findings) == 1 with input as request("post", "forums.moneysavingexpert.com")
}

test_reading_a_forum_does_not_fire if {
	count(forum_posting.findings) == 0 with input as request("GET", "www.reddit.com")
	count(forum_posting.findings) == 0 with input as {"school": "elms-farm", "events": [{"proxy": {"host": "www.reddit.com"}}]}
}

test_post_elsewhere_does_not_fire if {
	count(forum_posting.findings) == 0 with input as request("POST", "www.gov.uk")
	count(forum_posting.findings) == 0 with input as request("POST", "notreddit.com")
}

test_filter_category_fires_and_takes_precedence if {
	count(forum_posting.findings) == 1 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"method": "POST", "host": "board.example", "categories": ["Message Boards"]}}],
	}
	count(forum_posting.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"method": "POST", "host": "www.reddit.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(forum_posting.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}]}
}
