# Local time in the school's timezone (British Summer Time respected by the tz database).
package invigilator.lib.clock

import data.invigilator.lib.config

# minutes_of("08:30") = 510
minutes_of(hhmm) := (to_number(parts[0]) * 60) + to_number(parts[1]) if parts := split(hhmm, ":")

# in_working_hours(rfc3339) holds when the instant falls in the school's working days and hours.
in_working_hours(stamp) if {
	ns := time.parse_rfc3339_ns(stamp)
	tz := config.school.timezone
	day := time.weekday([ns, tz])
	some working_day in config.school.working_hours.days
	day == weekday_names[working_day]
	[hour, minute, _] := time.clock([ns, tz])
	now := (hour * 60) + minute
	now >= minutes_of(config.school.working_hours.start)
	now < minutes_of(config.school.working_hours.end)
}

weekday_names := {1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday", 7: "Sunday"}
