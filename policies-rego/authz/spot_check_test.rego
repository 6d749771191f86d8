# Random spot checks (MON-SPOT-CHECK): recorded by the school's SLG or Headteacher; by the trust's
# IT ops too where the school's policy names the IT Technician (EF 1.4: Elms Farm, Oak Hill).
package invigilator.authz_test

school_of(id) := {"school_id": id}

test_slg_and_headteacher_record_spot_checks_in_their_own_school if {
	every role in ["slg", "headteacher"] {
		every school in [ef, sp, oh, rv] {
			allowed(who(role, [school]), "spot_check.record", school_of(school))
		}
	}
}

test_it_ops_record_spot_checks_where_the_policy_names_the_it_technician if {
	allowed(who("it_ops", []), "spot_check.record", school_of(ef))
	allowed(who("it_ops", []), "spot_check.record", school_of(oh)) # adopted EF's policy
	refused_for(
		who("it_ops", []), "spot_check.record", school_of(sp),
		"no role of the subject grants spot_check.record on st-peters",
	)
	forbidden(who("it_ops", []), "spot_check.record", school_of(rv)) # adopted SP's: the SLG only
}

test_hr_dsl_and_dpo_do_not_record_spot_checks if {
	every role in ["hr", "dsl", "dpo"] {
		forbidden(who(role, [sp]), "spot_check.record", school_of(sp))
	}
}

test_another_schools_spot_check_is_not_even_visible if {
	invisible(who("headteacher", [ef]), "spot_check.record", school_of(sp))
	invisible(who("slg", [sp]), "spot_check.record", school_of("nowhere"))
}

test_spot_check_reasons_name_the_school if {
	decide(who("slg", [sp]), "spot_check.record", school_of(sp)).reasons == ["slg may spot_check.record on st-peters"]
}
