package invigilator.clauses.net.streaming_test

import data.invigilator.clauses.net.streaming

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in streaming.findings] with input as request("youtube.com")
	f.clause == "NET-STREAMING"
	f.event == 0
	f.severity == "medium"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "2.5"
	f.evidence == {"host": "youtube.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in streaming.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "www.youtube.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶6"
}

test_subdomain_fires if {
	count(streaming.findings) == 1 with input as request("www.youtube.com")
}

test_lookalike_domain_does_not_fire if {
	count(streaming.findings) == 0 with input as request("notyoutube.com")
}

test_ordinary_site_does_not_fire if {
	count(streaming.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in streaming.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Streaming Media"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(streaming.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "youtube.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(streaming.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "youtube.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := streaming.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "youtube.com"}},
		{"proxy": {"host": "www.youtube.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}

test_url_prefix_entry_fires_only_under_its_path if {
	count(streaming.findings) == 1 with input as {"school": "elms-farm", "events": [{"proxy": {"host": "www.bbc.co.uk", "path": "/iplayer/live/bbcone"}}]}
	count(streaming.findings) == 0 with input as {"school": "elms-farm", "events": [{"proxy": {"host": "www.bbc.co.uk", "path": "/bitesize"}}]}
}
