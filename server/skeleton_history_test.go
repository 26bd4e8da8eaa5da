package server

// Placeholders until the pages' own structs land.
func init() {
	zeroPages["history"] = errorPage{}
	zeroPages["changes"] = errorPage{}
	zeroPages["review"] = errorPage{}
	zeroPages["proposal"] = errorPage{}
}
