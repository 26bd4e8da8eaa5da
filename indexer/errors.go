package indexer

import "errors"

var errClosed = errors.New("index: closed")
