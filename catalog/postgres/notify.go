package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the channel a write that appends revisions notifies,
// with its schema as the payload: catalogs in other schemas of the same
// database share the channel and are told apart by it.
const notifyChannel = "komoru_changes"

// Changed returns a channel that receives a value soon after a revision
// is committed to this catalog, by any process: a follower that waits on
// it as well as on its poll timer sees a change at once. A notification
// lost to a dropped connection is not replayed (the listener reconnects,
// waiting longer each time, up to a minute), which is why followers still
// poll. The channel holds one value: a burst of writes is one wake-up. It
// is closed when ctx ends.
func (s *Store) Changed(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		wait := time.Second
		for ctx.Err() == nil {
			if err := s.listen(ctx, ch); err != nil && ctx.Err() == nil {
				select {
				case <-ctx.Done():
				case <-time.After(wait):
				}
				wait = min(2*wait, time.Minute)
				continue
			}
			wait = time.Second
		}
	}()
	return ch
}

// listen holds one connection on LISTEN and passes this schema's
// notifications to ch until the connection fails or ctx ends.
func (s *Store) listen(ctx context.Context, ch chan<- struct{}) error {
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that has listened is not given back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, "SELECT COALESCE(current_schema(), '')").Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{notifyChannel}.Sanitize()); err != nil {
		return err
	}
	// A change committed before LISTEN took effect must not be missed.
	wake(ch)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload == schema {
			wake(ch)
		}
	}
}

func wake(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
