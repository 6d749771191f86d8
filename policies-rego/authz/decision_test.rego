# The decision's shape and what holds whatever the role: unknown actions, subjects and roles, several
# roles at once, the breach feed, and the scope against the configured schools.
package invigilator.authz_test

import data.invigilator.authz

test_decision_names_the_granting_role if {
	decide(who("hr", [ef]), "case.read", case_of(ef, "hr")) == {
		"allow": true,
		"visible": true,
		"reasons": ["hr may case.read on hr cases of elms-farm"],
	}
}

test_unknown_action_is_refused if {
	decide(who("headteacher", [ef]), "case.delete", case_of(ef, "hr")) == {
		"allow": false,
		"visible": true,
		"reasons": ["unknown action \"case.delete\""],
	}
}

test_a_subject_without_id_gets_nothing if {
	anonymous := {"roles": ["headteacher"], "schools": [ef]}
	invisible(anonymous, "case.read", case_of(ef, "hr"))
	refused_for(anonymous, "case.read", case_of(ef, "hr"), "the subject has no id")
	refused_for(object.union(anonymous, {"id": ""}), "case.read", case_of(ef, "hr"), "the subject has no id")
	scope_of(anonymous).roles == []
}

test_unknown_roles_grant_nothing if {
	invisible({"id": "u-1", "roles": ["admin", "superuser"], "schools": [ef]}, "case.read", case_of(ef, "hr"))
	invisible({"id": "u-1", "schools": [ef]}, "case.read", case_of(ef, "hr"))
}

test_roles_add_up if {
	both := {"id": "u-2", "roles": ["dsl", "hr"], "schools": [ef]}
	allowed(both, "case.read", case_of(ef, "hr"))
	allowed(both, "case.read", case_of(ef, "dsl"))
	invisible(both, "case.read", case_of(ef, "it"))
	scope_of(both).cases_by_school == {ef: ["dsl", "hr"]}
}

test_a_second_role_does_not_lift_a_limit if {
	both := {"id": "u-3", "roles": ["it_ops", "headteacher"], "schools": [ef]}
	allowed(both, "identity.reveal.request", case_of(ef, "hr"))
	forbidden(both, "identity.reveal.request", closed(case_of(ef, "hr")))
	forbidden(both, "identity.reveal.request", case_of(sp, "it"))
}

test_breach_feed_subscription_needs_a_role_that_sees_cases if {
	allowed(who("slg", [ef]), "breach.feed", {})
	decide(who("slg", [ef]), "breach.feed", {}).reasons == ["slg may breach.feed on the cases of its scope"]
	not allowed(who("slg", []), "breach.feed", {})
	not allowed(who("dpo", []), "breach.feed", {})
}

test_audit_of_the_whole_trust_needs_a_trust_wide_role if {
	not authz.audit_scope("dpo") with input as {"subject": who("dpo", []), "resource": {"school_id": "nowhere"}}
	authz.audit_scope("dpo") with input as {"subject": who("dpo", []), "resource": {}}
}

test_trust_schools_come_from_the_school_data if {
	scope_of(who("it_ops", [])).visible_schools == ["a", "b", "c"] with data.data.schools as {"a": {}, "b": {}, "c": {}}
	scope_of(who("hr", ["b", "z"])).visible_schools == ["b"] with data.data.schools as {"a": {}, "b": {}}
}
