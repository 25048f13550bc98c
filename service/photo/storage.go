// Package photo takes photos for visits and reports: the type sniffed from
// the bytes (JPEG, PNG, WebP), the size capped, the bytes kept behind a
// small storage interface, and each photo served only to those who may see
// its household.
package photo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Storage keeps photo bytes under a key. Local disk now; object storage is
// the obvious second implementation.
type Storage interface {
	Put(ctx context.Context, key string, r io.Reader) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// ErrNoObject means the key holds nothing.
var ErrNoObject = errors.New("photo: no such object")

// Disk stores photos as files under a directory, fanned out by the first
// characters of the key so no directory grows huge.
type Disk struct{ dir string }

// NewDisk stores under dir (created when missing).
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return &Disk{dir: dir}, nil
}

func (d *Disk) path(key string) (string, error) {
	if len(key) < 8 || filepath.Base(key) != key {
		return "", fmt.Errorf("photo: bad key %q", key)
	}
	return filepath.Join(d.dir, key[:2], key[2:4], key), nil
}

// Put writes the object atomically: a temporary file renamed into place, so
// a crash never leaves half a photo under its key.
func (d *Disk) Put(_ context.Context, key string, r io.Reader) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil // content-addressed: the same bytes are already there
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// Open reads an object.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoObject
	}
	return f, err
}
