package invigilator.lib.clock_test

import data.invigilator.lib.clock

test_monday_morning_in_winter_is_working_time if {
	clock.in_working_hours("2026-11-23T08:30:00Z") with input as {"school": "elms-farm"}
}

test_british_summer_time_shifts_the_day if {
	# 07:30 UTC in July is 08:30 in London: working time.
	clock.in_working_hours("2026-07-06T07:30:00Z") with input as {"school": "elms-farm"}

	# 16:30 UTC in July is 17:30 in London: after hours.
	not clock.in_working_hours("2026-07-06T16:30:00Z") with input as {"school": "elms-farm"}
}

test_weekend_and_evening_are_not_working_time if {
	not clock.in_working_hours("2026-11-22T10:00:00Z") with input as {"school": "elms-farm"}
	not clock.in_working_hours("2026-11-23T17:00:00Z") with input as {"school": "elms-farm"}
	not clock.in_working_hours("2026-11-23T07:59:59Z") with input as {"school": "elms-farm"}
}
