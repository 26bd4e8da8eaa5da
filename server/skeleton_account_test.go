package server

// Placeholders until the pages' own structs land.
func init() {
	zeroPages["login"] = errorPage{}
	zeroPages["invite"] = errorPage{}
	zeroPages["account"] = errorPage{}
	zeroPages["admin_users"] = errorPage{}
}
