package invigilator.clauses.pwd.not_required_test

import data.invigilator.clauses.pwd.not_required

snapshot(school, account) := {"school": school, "events": [{"account": "jsmith", "directory": {"accountSnapshot": account}}]}

test_staff_account_with_passwd_notreqd_fires if {
	# 0x220 = NORMAL_ACCOUNT | PASSWD_NOTREQD
	[f] := [f | some f in not_required.findings] with input as snapshot("elms-farm", {"account": "jsmith", "userAccountControl": 544, "staff": true})
	f.clause == "PWD-NOT-REQUIRED"
	f.severity == "medium"
	f.owner == "it"
	f.policy_ref == "1.2"
	f.evidence == {"account": "jsmith", "userAccountControl": 544}
	contains(f.reason, "directory.accountSnapshot.userAccountControl")
}

test_st_peters_and_account_from_the_event if {
	[f] := [f | some f in not_required.findings] with input as snapshot("st-peters", {"userAccountControl": 32, "staff": true})
	f.evidence.account == "jsmith"
	f.policy_ref == "Equipment Security and Passwords ¶2"
}

test_password_required_is_compliant if {
	# 0x200 NORMAL_ACCOUNT, 0x10200 with DONT_EXPIRE_PASSWORD: no 0x20 bit
	count(not_required.findings) == 0 with input as snapshot("elms-farm", {"userAccountControl": 512, "staff": true})
	count(not_required.findings) == 0 with input as snapshot("elms-farm", {"userAccountControl": 66048, "staff": true})
	count(not_required.findings) == 0 with input as snapshot("elms-farm", {"staff": true})
}

test_other_bits_near_0x20_do_not_fire if {
	# 0x10 LOCKOUT and 0x40 PASSWD_CANT_CHANGE
	count(not_required.findings) == 0 with input as snapshot("elms-farm", {"userAccountControl": 80, "staff": true})
}

test_non_staff_account_is_ignored if {
	count(not_required.findings) == 0 with input as snapshot("elms-farm", {"account": "pupil1", "userAccountControl": 544})
}

test_uac_as_string_still_judged if {
	count(not_required.findings) == 1 with input as snapshot("elms-farm", {"userAccountControl": "546", "staff": true})
}
