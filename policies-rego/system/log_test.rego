package system.log_test

import data.system.log

test_events_never_reach_the_decision_log if {
	"/input/events" in log.mask
}
