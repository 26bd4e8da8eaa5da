package server

// Placeholders until the pages' own structs land.
func init() {
	zeroPages["edit"] = errorPage{}
}
