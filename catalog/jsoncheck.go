package catalog

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// encoding/json is lenient where the import format is not: it matches keys
// regardless of case, lets a repeated key overwrite the first, and turns
// invalid UTF-8 into U+FFFD. checkJSONText reads the line once, before it
// is decoded, to catch these, and names the field of each.

// jsonShape is what a JSON value of the import format may hold, derived from
// the Go types' tags so that it follows them.
type jsonShape struct {
	typ    reflect.Type
	keys   map[string]*jsonShape // an object's keys, exact case
	values *jsonShape            // a map's values, under any key
	elem   *jsonShape            // a list's items
}

var (
	codingType    = reflect.TypeFor[Coding]()
	codingObjType = reflect.TypeFor[codingObject]()
	scalarShape   = &jsonShape{}
	workShape     = sync.OnceValue(func() *jsonShape { return shapeOf(reflect.TypeFor[Work](), map[reflect.Type]*jsonShape{}) })
)

// shapeOf derives a type's shape; done keeps one shape per struct type.
func shapeOf(t reflect.Type, done map[reflect.Type]*jsonShape) *jsonShape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := done[t]; ok {
		return s
	}
	s := &jsonShape{typ: t}
	done[t] = s
	switch {
	case t == codingType:
		// A coding is a value, a list of values, or the object form; see
		// Coding.UnmarshalJSON.
		s.keys = shapeOf(codingObjType, done).keys
		s.elem = scalarShape
	case t.Kind() == reflect.Struct:
		s.keys = map[string]*jsonShape{}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s.keys[name] = shapeOf(f.Type, done)
		}
	case t.Kind() == reflect.Map:
		s.values = shapeOf(t.Elem(), done)
	case t.Kind() == reflect.Slice:
		s.elem = shapeOf(t.Elem(), done)
	}
	return s
}

// field returns the shape under an object's key, nil for an unknown one.
func (s *jsonShape) field(key string) *jsonShape {
	switch {
	case s == nil:
		return nil
	case s.values != nil:
		return s.values
	}
	return s.keys[key]
}

// checks reports whether an object of this shape has a fixed set of keys.
func (s *jsonShape) checks() bool { return s != nil && s.keys != nil && s.values == nil }

// suggest returns the known key that differs from key only in case.
func (s *jsonShape) suggest(key string) string {
	for k := range s.keys {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

// checkJSONText checks the text of one work: UTF-8, no key twice in an
// object, every key known in its exact case. It returns the problems found,
// keyed by the path of the field ("creators[0].name"). It reads the line
// once and allocates next to nothing, so that it costs a fraction of the
// decoding; a line that is not JSON is left to the decoder to explain, but
// for a byte that is not UTF-8.
func checkJSONText(data []byte) *ValidationError {
	// Works nest four deep (portrayal, a coding, its values).
	t := textCheck{data: data, bad: -1, problems: new(ValidationError), frames: make([]textFrame, 0, 6)}
	if !utf8.Valid(data) {
		t.bad = invalidUTF8At(data)
	}
	if !t.walk() {
		// Not JSON: what was found on the way may be a misreading of it,
		// but a byte that is not UTF-8 is not.
		t.problems = new(ValidationError)
	}
	if t.bad >= 0 {
		field := t.badField
		if field == "" {
			field = "json" // outside any string: not JSON either
		}
		t.problems.add(field, "is not valid UTF-8 at byte %d", t.bad+1)
	}
	return t.problems
}

// walk reads the line and reports whether it was one JSON value as far as
// the walk can tell: whatever encoding/json takes for JSON, it does.
func (t *textCheck) walk() bool {
	ok := t.value(workShape())
	t.space()
	return ok && t.i == len(t.data) // data after the work: the decoder says so
}

// textCheck is checkJSONText's walk over a line.
type textCheck struct {
	data     []byte
	i        int
	frames   []textFrame // the objects and lists the walk is inside
	bad      int         // the first byte that is not UTF-8, or -1
	badField string      // where the bad byte is, once found
	problems *ValidationError
}

// textFrame is an object or a list the walk is inside.
type textFrame struct {
	object bool
	key    []byte // an object's current key
	index  int    // a list's current item
	seen   [][]byte
	seenAt map[string]bool // for objects too large to scan seen
}

// seenKeysScan is how many keys an object may have before duplicates are
// looked up in a map rather than by scanning: objects of the import format
// have a few keys, and a line of a million keys must stay linear.
const seenKeysScan = 32

// maxDepth is encoding/json's limit on nesting, which it reports itself.
const maxDepth = 10000

// add records key and reports whether the object had it already.
func (f *textFrame) add(key []byte) (dup bool) {
	if f.seenAt != nil {
		dup = f.seenAt[string(key)]
		f.seenAt[string(key)] = true
		return dup
	}
	for _, k := range f.seen {
		if bytes.Equal(k, key) {
			return true
		}
	}
	f.seen = append(f.seen, key)
	if len(f.seen) > seenKeysScan {
		f.seenAt = make(map[string]bool, 2*len(f.seen))
		for _, k := range f.seen {
			f.seenAt[string(k)] = true
		}
	}
	return false
}

func (t *textCheck) space() {
	for t.i < len(t.data) {
		switch t.data[t.i] {
		case ' ', '\t', '\n', '\r':
			t.i++
		default:
			return
		}
	}
}

// value reads one value whose shape is s (nil: anything) and reports
// whether it was JSON as far as this walk can tell.
func (t *textCheck) value(s *jsonShape) bool {
	t.space()
	if t.i >= len(t.data) {
		return false
	}
	switch c := t.data[t.i]; c {
	case '{', '[':
		if len(t.frames) >= maxDepth {
			return false
		}
		t.push(c == '{')
		var ok bool
		if c == '{' {
			ok = t.object(s)
		} else {
			ok = t.list(s)
		}
		t.frames = t.frames[:len(t.frames)-1]
		return ok
	case '"':
		start, end, _, ok := t.str()
		if ok && t.badIn(start, end) {
			t.badField = jsonPath(t.frames, true)
		}
		return ok
	}
	// A number, true, false or null; encoding/json checks which.
	start := t.i
	for t.i < len(t.data) && isLiteralByte(t.data[t.i]) {
		t.i++
	}
	return t.i > start
}

// push enters an object or a list, reusing the frame's storage for keys.
func (t *textCheck) push(object bool) {
	if len(t.frames) < cap(t.frames) {
		t.frames = t.frames[:len(t.frames)+1]
	} else {
		t.frames = append(t.frames, textFrame{})
	}
	f := &t.frames[len(t.frames)-1]
	f.object, f.key, f.index, f.seen, f.seenAt = object, nil, 0, f.seen[:0], nil
	if object && f.seen == nil {
		f.seen = make([][]byte, 0, 20) // a work's keys, without growing
	}
}

func (t *textCheck) object(s *jsonShape) bool {
	t.i++ // {
	if t.space(); t.i < len(t.data) && t.data[t.i] == '}' {
		t.i++
		return true
	}
	depth := len(t.frames) - 1
	for {
		if t.space(); t.i >= len(t.data) || t.data[t.i] != '"' {
			return false
		}
		start, end, escaped, ok := t.str()
		if !ok {
			return false
		}
		badKey := t.badIn(start, end)
		if badKey {
			t.badField = jsonPath(t.frames, false)
		}
		key := t.data[start:end]
		if escaped {
			// Rare enough to leave to encoding/json: "ti\u0074le" is "title".
			var k string
			if json.Unmarshal(t.data[start-1:end+1], &k) != nil {
				return false
			}
			key = []byte(k)
		}
		f := &t.frames[depth]
		f.key = key
		switch {
		case badKey:
			// Not UTF-8 says it all; the key cannot be matched anyway.
		case f.add(key):
			t.problems.add(jsonPath(t.frames, true), "duplicate key %q", key)
		case s.checks() && s.keys[string(key)] == nil:
			if k := s.suggest(string(key)); k != "" {
				t.problems.add(jsonPath(t.frames, true), "unknown field; did you mean %q?", k)
			} else {
				t.problems.add(jsonPath(t.frames, true), "unknown field")
			}
		}
		if t.space(); t.i >= len(t.data) || t.data[t.i] != ':' {
			return false
		}
		t.i++
		if !t.value(s.field(string(key))) {
			return false
		}
		t.space()
		switch {
		case t.i >= len(t.data):
			return false
		case t.data[t.i] == ',':
			t.i++
		case t.data[t.i] == '}':
			t.i++
			return true
		default:
			return false
		}
	}
}

func (t *textCheck) list(s *jsonShape) bool {
	t.i++ // [
	if t.space(); t.i < len(t.data) && t.data[t.i] == ']' {
		t.i++
		return true
	}
	depth := len(t.frames) - 1
	for {
		if !t.value(s.listItem()) {
			return false
		}
		t.space()
		switch {
		case t.i >= len(t.data):
			return false
		case t.data[t.i] == ',':
			t.i++
			t.frames[depth].index++
		case t.data[t.i] == ']':
			t.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string from its opening quote and returns where its
// contents are, and whether they hold an escape.
func (t *textCheck) str() (start, end int, escaped, ok bool) {
	t.i++ // "
	start = t.i
	for t.i < len(t.data) {
		switch c := t.data[t.i]; {
		case c == '"':
			t.i++
			return start, t.i - 1, escaped, true
		case c == '\\':
			escaped = true
			t.i += 2
		case c < 0x20:
			return 0, 0, false, false
		default:
			t.i++
		}
	}
	return 0, 0, false, false
}

// badIn reports whether the first byte that is not UTF-8 is between start
// and end and has not been placed yet.
func (t *textCheck) badIn(start, end int) bool {
	return t.badField == "" && t.bad >= start && t.bad < end
}

func isLiteralByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'E'
}

func (s *jsonShape) listItem() *jsonShape {
	if s == nil {
		return nil
	}
	return s.elem
}

// jsonPath names the value at the walk's position as validate.go names
// fields: "title", "creators[0].name", "portrayal.realism.evidence". With
// current false, it names the innermost object or list itself; at the top,
// "json".
func jsonPath(frames []textFrame, current bool) string {
	if !current && len(frames) > 0 {
		frames = frames[:len(frames)-1]
	}
	var b strings.Builder
	for _, f := range frames {
		if f.object {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(strings.ToValidUTF8(string(f.key), "\uFFFD"))
		} else {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
	}
	if b.Len() == 0 {
		return "json"
	}
	return b.String()
}

// invalidUTF8At returns the offset of the first byte of data that is not
// UTF-8, or -1.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// fieldType returns the Go type of the field at a dotted path of JSON keys
// from root ("characters.hikikomori"), as encoding/json names fields in its
// errors, or nil.
func fieldType(root *jsonShape, path string) reflect.Type {
	s := root
	for key := range strings.SplitSeq(path, ".") {
		for s != nil && s.elem != nil && s.keys == nil {
			s = s.elem // a list of objects: the path skips the index
		}
		if s = s.field(key); s == nil {
			return nil
		}
	}
	return s.typ
}
