package invigilator.lib.endpoint_test

import data.invigilator.lib.endpoint

test_account_key_drops_domain_and_case if {
	endpoint.account_key("SCHOOL\\JSmith") == "jsmith"
	endpoint.account_key("JSmith@school.example.sch.uk") == "jsmith"
	endpoint.account_key(" jsmith ") == "jsmith"
}

test_person_excludes_placeholders_and_machines if {
	endpoint.person("jsmith")
	not endpoint.person("-")
	not endpoint.person("")
	not endpoint.person("SCHOOL\\PC-12$")
}

test_it_admin_is_per_school if {
	endpoint.it_admin("SCHOOL\\ItSupport") with input as {"school": "elms-farm"}
	not endpoint.it_admin("itsupport") with input as {"school": "st-peters"}
}

test_from_checks_id_and_provider if {
	endpoint.from({"windowsEventId": 4648, "provider": "Microsoft-Windows-Security-Auditing"}, "security", {4648})
	endpoint.from({"windowsEventId": 4648, "provider": " security "}, "security", {4648})
	endpoint.from({"windowsEventId": "4648"}, "security", {4648})
	not endpoint.from({"windowsEventId": 4648, "provider": "MsiInstaller"}, "security", {4648})
	not endpoint.from({"windowsEventId": 4624}, "security", {4648})
	not endpoint.from({}, "security", {4648})
}

test_observation_by_name_or_number if {
	endpoint.observation({"observation": {"type": "OBSERVATION_TYPE_ACCESS_DENIALS"}}, "OBSERVATION_TYPE_ACCESS_DENIALS")
	endpoint.observation({"observation": {"type": 4}}, "OBSERVATION_TYPE_ACCESS_DENIALS")
	not endpoint.observation({"observation": {"type": 3}}, "OBSERVATION_TYPE_ACCESS_DENIALS")
	not endpoint.observation({"observation": {}}, "OBSERVATION_TYPE_ACCESS_DENIALS")
	not endpoint.observation({"proxy": {}}, "OBSERVATION_TYPE_ACCESS_DENIALS")
}

test_hosts_are_distinct_lower_and_sorted if {
	endpoint.hosts({"hosts": ["PC-2", "pc-1", "pc-2", "", " "]}) == ["pc-1", "pc-2"]
	endpoint.hosts({}) == []
}

test_same_account_ignores_domain_and_case if {
	endpoint.same_account("SCHOOL\\JSmith", "jsmith@school.example")
	not endpoint.same_account("jsmith", "abrown")
}
