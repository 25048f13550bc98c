// Package imports is the database half of an import: it takes the records
// service/importer reads from a county's file and writes them, checked
// against what is stored and against the importing official's region, as
// upserts keyed on each kind's natural key, so the same file twice changes
// nothing and a changed row changes only that row.
//
// # Natural keys
//
//	regions     code
//	households  户编号 (household_no)
//	members     ID number (blind index)
//	payments    household, card holder (member, or 0 for household items), item, period, batch
//	jobs        岗位编号 (external_no); without one: kind, title, employer and region
//	cadres      ID number when given, otherwise name + phone
//	pairings    household, cadre, role
//
// A row whose key exists is compared field by field with the stored row
// before anything is written: an unchanged row is not written at all (its
// updated_at stays, so "changed since" scans see only real changes), a
// changed one is updated and gets an audit entry (action import.update)
// naming the changed fields, never their values. Creations are summed up in
// one audit entry per run (action import.run) so that a million-row file
// does not bury the audit log. A missing column or a blank cell never
// erases what is stored (a cadre's phone number stays when the next export
// leaves it out), except where blank has a meaning of its own: a payment's
// 失败原因 (it did not fail), a pairing's 结束日期 (still paired), a member's
// 残疾情况 (none).
//
// # All or nothing, with a million rows
//
// The default mode writes nothing when any row is bad. Holding a million
// rows in one MySQL transaction would pin undo logs and locks for minutes,
// so a run instead reads the file twice: the checking pass decodes every
// row, asks the database what it needs in batches and writes the rejected
// rows to the report, without writing data; only when no row was rejected
// does the writing pass read the file again and write it in batches of a
// thousand rows, one transaction each. Memory stays flat: a batch, a chunk
// of look-ahead rows and, for the duplicate check, eight bytes per row.
//
// Batches are written by their own goroutines (two at once on MySQL) while
// the next batch is read and checked; each is one transaction with its
// audit entries, its payment events and the run's counters, so the
// counters always match what is committed.
//
// If the writing pass stops half-way (the process dies, the database goes
// away) the batches already committed stay, and the run is marked failed:
// by its own error, or, for a process that died, by MarkStale once the
// run's heartbeat (its progress, written every two seconds) is two minutes
// old; the server calls it at start and whenever runs are read, so no run
// stays "running" forever. Importing the same file again finishes the job:
// the committed rows come back unchanged and the rest are created, because
// every write is an upsert on the natural key. Should the stored data
// change between the two passes so that a checked row no longer passes,
// the writing pass stops the same way.
//
// # What others read
//
// Payments an import changes are passed, batch by batch, to a
// PaymentsChanged (the subsidy cache); a payment whose status changes gets
// a payment_events row (old and new status) for the push engine. Pairings
// a batch creates or changes move their households' open cases to the
// cadre the filing rule now picks (report.Reassigner), in the batch's
// transaction. A cadre row whose 在岗状态 turns 离岗 hands over as the
// console's 离岗 does (service/handover): pairings end on the import day,
// open cases move, unused invites are revoked, in the batch's transaction;
// after commit CadreSessions drops the cadre's cached sign-ins, and the
// run's summary counts cadres_left and pairings_ended. A row's updated_at
// moves only when the row really changes.
//
// With --keep-good (mode keep_good) one pass does both: good rows are
// written, bad ones reported.
//
// # Scope
//
// A run has the scope of whoever started it: officials import only rows
// inside their region prefix (rows outside are rejected, with the reason),
// the command line imports with the system scope.
package imports
