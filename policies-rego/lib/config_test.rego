package invigilator.lib.config_test

import data.invigilator.lib.config

test_school_overrides_defaults if {
	config.school.software_approver == "it_provider" with input as {"school": "st-peters"}
	config.school.software_approver == "headteacher" with input as {"school": "elms-farm"}
	config.thresholds.broadcast_recipients == 50 with input as {"school": "st-peters"}
}

test_own_domain_includes_subdomains_only_of_own if {
	config.own_domain("ElmsFarm.example.sch.uk") with input as {"school": "elms-farm"}
	config.own_domain("mail.elmsfarm.example.sch.uk") with input as {"school": "elms-farm"}
	not config.own_domain("notelmsfarm.example.sch.uk") with input as {"school": "elms-farm"}
	not config.own_domain("stpeters.example.sch.uk") with input as {"school": "elms-farm"}
}

test_document_school_is_the_adopted_one_or_its_own if {
	config.document_school == "elms-farm" with input as {"school": "oak-hill"}
	config.document_school == "st-peters" with input as {"school": "riverside"}
	config.document_school == "st-peters" with input as {"school": "st-peters"}
	config.document_school == "nowhere" with input as {"school": "nowhere"}
}
