package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"strings"
)

// MaxLineBytes is the longest line the import format accepts.
const MaxLineBytes = 1 << 20

// ParseWork decodes one work in import format v1 and validates it. Every
// problem is a *ValidationError naming the field; unknown fields, keys in
// the wrong case, repeated keys and bytes that are not UTF-8 are problems,
// not silently dropped or mended.
func ParseWork(data []byte, cb *Codebook) (*Work, error) {
	if bytes.HasPrefix(data, utf8BOM) {
		return nil, &ValidationError{Fields: map[string]string{"json": "starts with a byte-order mark (U+FEFF), which only the first line of a file may have"}}
	}
	// The text is checked first, so that its problems are named even when
	// the decoder, which reads past them, reports one of its own.
	problems := checkJSONText(data)
	w := new(Work)
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(w); err != nil {
		problems.merge(jsonProblem(err))
		return nil, problems
	}
	if _, err := dec.Token(); err != io.EOF {
		problems.add("json", "unexpected data after the work; put one work on each line")
		return nil, problems
	}
	var ve *ValidationError
	if err := w.Validate(cb); errors.As(err, &ve) {
		problems.merge(ve)
	}
	if err := problems.orNil(); err != nil {
		return nil, err
	}
	return w, nil
}

// utf8BOM is the byte-order mark some editors put at the start of a UTF-8
// file.
var utf8BOM = []byte("\xef\xbb\xbf")

func isUnknownField(err error) bool {
	return strings.HasPrefix(err.Error(), "json: unknown field ")
}

// jsonProblem turns an encoding/json error into a field-level one.
func jsonProblem(err error) *ValidationError {
	var (
		typeErr  *json.UnmarshalTypeError
		syntax   *json.SyntaxError
		fieldErr *fieldError
	)
	field, problem := "json", err.Error()
	switch {
	case errors.As(err, &fieldErr):
		field, problem = fieldErr.field, fieldErr.err.Error()
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			field = typeErr.Field
		}
		problem = typeProblem(typeErr, fieldType(workShape(), typeErr.Field))
	case errors.As(err, &syntax):
		problem = fmt.Sprintf("invalid JSON at byte %d: %v", syntax.Offset, err)
	case isUnknownField(err):
		field = strings.Trim(strings.TrimPrefix(problem, "json: unknown field "), `"`)
		problem = "unknown field"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		problem = "invalid JSON: the line ends inside the work"
	}
	return &ValidationError{Fields: map[string]string{field: problem}}
}

// typeProblem says in plain words what a field wanted. declared is the
// field's type where known: encoding/json names a list's item type, not the
// list's, when an item is wrong.
func typeProblem(e *json.UnmarshalTypeError, declared reflect.Type) string {
	got := e.Value
	if n, ok := strings.CutPrefix(got, "number "); ok {
		got = n
		if isWhole(e.Type) && isWholeNumber(n) {
			// A whole number too large for the field: say what fits.
			if e.Field == "year" || e.Field == "end_year" {
				return fmt.Sprintf("must be between %d and %d, got %s", minYear, latestYear(), truncate(n, 20))
			}
			return fmt.Sprintf("is out of range, got %s", truncate(n, 20))
		}
	}
	if declared != nil && declared.Kind() == reflect.Slice && declared != e.Type {
		return fmt.Sprintf("each item must be %s, got %s", kindName(e.Type), got)
	}
	return fmt.Sprintf("must be %s, got %s", kindName(e.Type), got)
}

func isWhole(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// isWholeNumber reports whether a JSON number has no fraction: 1e30 is
// whole, 2008.5 and 1e-400 are not. big.Float holds any of them exactly
// enough to tell, where a float64 would overflow or round to 0.
func isWholeNumber(n string) bool {
	f, ok := new(big.Float).SetString(n)
	return ok && f.IsInt()
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return kindName(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
		if t == codingType {
			return "a string, a list of strings or an object"
		}
		return "an object"
	}
	return t.String()
}

// Decoder reads works in import format v1: one JSON object per line, blank
// lines ignored. It holds one line at a time, so memory does not grow with
// the input.
type Decoder struct {
	r    *bufio.Reader
	cb   *Codebook
	line int
}

// NewDecoder returns a decoder that validates against cb.
func NewDecoder(r io.Reader, cb *Codebook) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10), cb: cb}
}

// Line returns the number of the last line read, counting from 1.
func (d *Decoder) Line() int { return d.line }

// Next returns the next work. It returns io.EOF at the end of the input,
// a *LineError for a bad line (Next may be called again for the lines
// after it), and any other error for a failed read.
func (d *Decoder) Next() (*Work, error) {
	for {
		data, err := d.readLine()
		if err != nil {
			return nil, err
		}
		if data == nil {
			return nil, &LineError{Line: d.line, Err: &ValidationError{Fields: map[string]string{"json": fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}}}
		}
		if d.line == 1 {
			// Editors on Windows may start a UTF-8 file with a byte-order
			// mark; it is not part of the first work.
			data = bytes.TrimPrefix(data, utf8BOM)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		w, err := ParseWork(data, d.cb)
		if err != nil {
			return nil, &LineError{Line: d.line, Err: err}
		}
		return w, nil
	}
}

// readLine returns the next line without its newline, nil (and no error)
// for a line longer than MaxLineBytes, which it skips, or io.EOF.
func (d *Decoder) readLine() ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := d.r.ReadSlice('\n')
		if len(chunk) > 0 && !tooLong {
			if len(line)+len(chunk) > MaxLineBytes+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(line) == 0 && !tooLong:
			return nil, io.EOF
		case err != nil && err != io.EOF:
			return nil, err
		}
		d.line++
		if tooLong {
			return nil, nil
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if line == nil {
			line = []byte{}
		}
		return line, nil
	}
}

// MarshalCanonical returns the work's canonical JSON: the bytes the store
// keeps and every export writes. Equal works have equal bytes.
func (w *Work) MarshalCanonical() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
