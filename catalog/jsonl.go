package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// MaxLineBytes is the longest line the import format accepts.
const MaxLineBytes = 1 << 20

// ParseWork decodes one work in import format v1 and validates it. Every
// problem is a *ValidationError naming the field; unknown fields are
// problems, not silently dropped.
func ParseWork(data []byte, cb *Codebook) (*Work, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	w := new(Work)
	problems := new(ValidationError)
	if err := dec.Decode(w); err != nil {
		ve := jsonProblem(err)
		if ve.Fields["json"] != "" || !isUnknownField(err) {
			return nil, ve
		}
		// An unknown field stops the strict decoder; decode again without it
		// so the rest of the work's problems are reported too.
		problems = ve
		*w = Work{}
		if err := json.Unmarshal(data, w); err != nil {
			return nil, problems
		}
	} else if _, err := dec.Token(); err != io.EOF {
		return nil, &ValidationError{Fields: map[string]string{"json": "unexpected data after the work; put one work on each line"}}
	}
	var ve *ValidationError
	if err := w.Validate(cb); errors.As(err, &ve) {
		for f, msg := range ve.Fields {
			problems.add(f, "%s", msg)
		}
	}
	if err := problems.orNil(); err != nil {
		return nil, err
	}
	return w, nil
}

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
		field = typeErr.Field
		if field == "" {
			field = "json"
		}
		problem = fmt.Sprintf("must be %s, got %s", kindName(typeErr.Type), typeErr.Value)
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

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map:
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
