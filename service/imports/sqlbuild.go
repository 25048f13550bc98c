package imports

import (
	"database/sql"
	"strconv"
	"strings"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
)

// upsert is a multi-row INSERT that updates the rows whose natural key
// exists: ON DUPLICATE KEY UPDATE on MySQL, MariaDB and TiDB, ON CONFLICT
// DO UPDATE on SQLite. The statement is built here rather than by gorm:
// a batch is a thousand rows of a dozen values, and gorm's reflection and
// its guess at the new ids of a mixed insert-and-update cost more than the
// write itself.
type upsert struct {
	table  string
	cols   []string // inserted, in the order of each row's values
	key    []string // the unique key conflicts are found on (SQLite names it)
	update []string // set from the new row on conflict; nil: plain INSERT
}

// maxVars keeps a statement under the placeholder limits (MySQL 65,535,
// SQLite 32,766).
const maxVars = 30000

// exec writes rows (each len(cols) values) in as few statements as the
// placeholder limit allows.
func (u upsert) exec(b *batch, rows [][]any) error {
	per := max(1, maxVars/len(u.cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		if err := u.execOnce(b, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (u upsert) execOnce(b *batch, rows [][]any) error {
	var sb strings.Builder
	sb.Grow(64 + len(rows)*(2*len(u.cols)+3) + 32*len(u.update))
	sb.WriteString("INSERT INTO ")
	sb.WriteString(u.table)
	sb.WriteString(" (")
	sb.WriteString(strings.Join(u.cols, ", "))
	sb.WriteString(") VALUES ")
	one := "(" + strings.Repeat("?, ", len(u.cols)-1) + "?)"
	args := make([]any, 0, len(rows)*len(u.cols))
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(one)
		args = append(args, r...)
	}
	if len(u.update) > 0 {
		if b.tx.Dialect == model.MySQL {
			sb.WriteString(" ON DUPLICATE KEY UPDATE ")
			for i, c := range u.update {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(c + " = VALUES(" + c + ")")
			}
		} else {
			sb.WriteString(" ON CONFLICT (" + strings.Join(u.key, ", ") + ") DO UPDATE SET ")
			for i, c := range u.update {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(c + " = excluded." + c)
			}
		}
	}
	return b.j.exec(b, sb.String(), args)
}

// maxStatements bounds a run's prepared statements: full batches of each
// table repeat one statement; odd sizes (the last batch) run unprepared.
const maxStatements = 8

// exec runs a write in the batch's transaction. A statement seen before is
// prepared once per run and reused: a thousand-row INSERT is parsed once,
// not once per batch, and costs one round trip instead of three.
func (j *job) exec(b *batch, query string, args []any) error {
	tx, ok := b.tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		_, err := b.tx.Statement.ConnPool.ExecContext(b.ctx, query, args...)
		return err
	}
	j.stmtMu.Lock()
	st, seen := j.stmts[query]
	if !seen && len(j.stmts) < maxStatements {
		j.stmts[query] = nil // seen once; prepared the second time
	}
	j.stmtMu.Unlock()
	if st == nil && seen {
		sqlDB, err := j.s.db.DB.DB()
		if err != nil {
			return err
		}
		if st, err = sqlDB.PrepareContext(j.ctx, query); err != nil {
			return err
		}
		j.stmtMu.Lock()
		j.stmts[query] = st
		j.stmtMu.Unlock()
	}
	if st == nil {
		_, err := tx.ExecContext(b.ctx, query, args...)
		return err
	}
	_, err := tx.StmtContext(b.ctx, st).ExecContext(b.ctx, args...)
	return err
}

// closeStatements releases the run's prepared statements.
func (j *job) closeStatements() {
	j.stmtMu.Lock()
	defer j.stmtMu.Unlock()
	for q, st := range j.stmts {
		if st != nil {
			st.Close()
		}
		delete(j.stmts, q)
	}
}

// sealedArgs are the four column values of a sealed number, NULLs when
// none is stored.
func sealedArgs(s model.Sealed) []any {
	if !s.IsSet() {
		return []any{nil, nil, nil, nil}
	}
	return []any{s.Cipher, s.KeyID, s.Index, s.Masked}
}

// sealedCols are the four columns of a sealed number.
func sealedCols(prefix string) []string {
	return []string{prefix + "cipher", prefix + "key_id", prefix + "index", prefix + "masked"}
}

// sameSealed reports whether a stored sealed number holds the normalised
// value: the blind index decides, since ciphertexts differ each time.
func (j *job) sameSealed(stored model.Sealed, purpose, value string) bool {
	if value == "" {
		return !stored.IsSet()
	}
	return stored.Index != nil && *stored.Index == j.s.cipher.Index(purpose, value)
}

// reseal returns the sealed form of value, reusing the stored one when it
// holds the same number.
func (j *job) reseal(stored model.Sealed, purpose, value string) (model.Sealed, bool) {
	if j.sameSealed(stored, purpose, value) {
		return stored, false
	}
	return model.Seal(j.s.cipher, purpose, value), true
}

// changes collects the names of changed fields.
type changes []string

func (c *changes) str(name, old, new string) {
	if old != new {
		*c = append(*c, name)
	}
}

func (c *changes) num(name string, old, new int64) {
	if old != new {
		*c = append(*c, name)
	}
}

func (c *changes) flag(name string, old, new bool) {
	if old != new {
		*c = append(*c, name)
	}
}

func (c *changes) date(name string, old, new model.Date) {
	if old != new {
		*c = append(*c, name)
	}
}

func (c *changes) float(name string, old, new *float64) {
	if (old == nil) != (new == nil) || old != nil && *old != *new {
		*c = append(*c, name)
	}
}

// where builds the conditions of the batch lookups. The values these
// lookups ask about are ones the import made or checked itself: hex blind
// indexes, ids, item codes, periods, 户编号 of digits and letters. Such
// values are written into the statement, which the driver then sends as one
// query instead of a prepare, an execute and a close: a run makes thousands
// of these lookups, and on a busy server each round trip waits its turn.
// Any other value goes in as a placeholder.
type where struct {
	sql  []string
	args []any
}

func (w *where) in(col string, values []string) *where {
	if len(values) == 0 {
		w.sql = append(w.sql, "1 = 0")
		return w
	}
	for _, v := range values {
		if !plainValue(v) {
			w.sql = append(w.sql, col+" IN ?")
			w.args = append(w.args, values)
			return w
		}
	}
	var b strings.Builder
	b.Grow(len(col) + 6 + len(values)*(len(values[0])+3))
	b.WriteString(col + " IN (")
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\'')
		b.WriteString(v)
		b.WriteByte('\'')
	}
	b.WriteByte(')')
	w.sql = append(w.sql, b.String())
	return w
}

func (w *where) ints(col string, ids []int64) *where {
	if len(ids) == 0 {
		w.sql = append(w.sql, "1 = 0")
		return w
	}
	var b strings.Builder
	b.WriteString(col + " IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(')')
	w.sql = append(w.sql, b.String())
	return w
}

// and is the conditions joined by AND, for gorm's Where; or by OR.
func (w *where) and() clause.Expr {
	return clause.Expr{SQL: strings.Join(w.sql, " AND "), Vars: w.args}
}
func (w *where) or() clause.Expr {
	return clause.Expr{SQL: "(" + strings.Join(w.sql, " OR ") + ")", Vars: w.args}
}

// plainValue reports whether v can be written into a statement as it is:
// at most 64 ASCII letters, digits, '-' and '_'.
func plainValue(v string) bool {
	if len(v) == 0 || len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
