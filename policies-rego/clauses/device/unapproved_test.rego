package invigilator.clauses.device.unapproved_test

import data.invigilator.clauses.device.unapproved

attach(school, id, provider, device) := {"school": school, "events": [{"account": "jsmith", "endpoint": {
	"windowsEventId": id,
	"provider": provider,
	"host": "pc-12",
	"device": device,
}}]}

usb(school, device) := attach(school, 6416, "Microsoft-Windows-Security-Auditing", device)

phone := {"deviceClass": "WPD", "vendorId": "05AC", "productId": "12A8", "serial": "ABC123", "description": "Apple iPhone"}

test_unapproved_phone_fires if {
	[f] := [f | some f in unapproved.findings] with input as usb("elms-farm", phone)
	f.clause == "DEVICE-UNAPPROVED"
	f.kind == "A"
	f.severity == "medium"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "2.6"
	f.reason == "endpoint.device (class \"WPD\", vendorId \"05AC\", productId \"12A8\") matches no approved_devices entry"
	f.evidence == {
		"host": "pc-12",
		"windowsEventId": 6416,
		"deviceClass": "WPD",
		"vendorId": "05AC",
		"productId": "12A8",
		"serial": "ABC123",
		"description": "Apple iPhone",
	}
}

test_cites_st_peters if {
	[f] := [f | some f in unapproved.findings] with input as usb("st-peters", phone)
	f.policy_ref == "Systems Use and Data Security ¶3, ¶7"
}

test_approved_class_matches_case_insensitively if {
	count(unapproved.findings) == 0 with input as usb("elms-farm", {"deviceClass": "keyboard", "vendorId": "046D"})
	count(unapproved.findings) == 0 with input as usb("st-peters", {"deviceClass": "MOUSE"})
}

test_school_usb_stick_is_approved_at_elms_farm_only if {
	stick := {"deviceClass": "DiskDrive", "vendorId": "0781", "productId": "5581", "serial": "4C53", "description": "SanDisk Ultra"}
	count(unapproved.findings) == 0 with input as usb("elms-farm", stick)
	count(unapproved.findings) == 1 with input as usb("st-peters", stick)
}

test_every_key_of_an_entry_must_match if {
	# right vendor, wrong product
	count(unapproved.findings) == 1 with input as usb("elms-farm", {"deviceClass": "DiskDrive", "vendorId": "0781", "productId": "5567"})

	# vendor only, product missing
	count(unapproved.findings) == 1 with input as usb("elms-farm", {"deviceClass": "DiskDrive", "vendorId": "0781"})
}

test_vendor_and_product_prefixes_are_normalised if {
	count(unapproved.findings) == 0 with input as usb("elms-farm", {"vendorId": "VID_0781", "productId": "pid_5581"})
	count(unapproved.findings) == 0 with input as usb("elms-farm", {"vendorId": "0x0781", "productId": "0x5581"})
}

test_serial_entries_match if {
	approved := [{"serial": "ABC123"}]
	count(unapproved.findings) == 0 with input as usb("st-peters", phone)
		with data.data.schools["st-peters"].approved_devices as approved
	count(unapproved.findings) == 1 with input as usb("st-peters", object.union(phone, {"serial": "ABC124"}))
		with data.data.schools["st-peters"].approved_devices as approved
}

test_entry_without_identifying_keys_approves_nothing if {
	count(unapproved.findings) == 1 with input as usb("st-peters", phone)
		with data.data.schools["st-peters"].approved_devices as [{"description": "anything"}, {}]
}

test_every_attach_source if {
	count(unapproved.findings) == 1 with input as attach("elms-farm", 400, "Microsoft-Windows-Kernel-PnP", phone)
	count(unapproved.findings) == 1 with input as attach("elms-farm", 410, "Microsoft-Windows-Kernel-PnP", phone)
	count(unapproved.findings) == 1 with input as attach("elms-farm", 2003, "Microsoft-Windows-DriverFrameworks-UserMode", phone)
	count(unapproved.findings) == 1 with input as attach("elms-farm", 400, "", phone)
}

test_same_id_from_another_provider_is_ignored if {
	# Windows PowerShell logs 400 "engine state changed" too
	count(unapproved.findings) == 0 with input as attach("elms-farm", 400, "PowerShell", phone)
	count(unapproved.findings) == 0 with input as attach("elms-farm", 6416, "Microsoft-Windows-Kernel-PnP", phone)
}

test_event_without_device_is_ignored if {
	count(unapproved.findings) == 0 with input as {"school": "elms-farm", "events": [{"endpoint": {"windowsEventId": 6416, "host": "pc-12"}}]}
	count(unapproved.findings) == 0 with input as {"school": "elms-farm", "events": [{"endpoint": {"windowsEventId": 4624, "device": phone}}]}
}
