-- 0017: paid late (迟发) as a range read. paid_late_days is the days from a payment's due date to the day
-- it was paid when that is after the due date, NULL otherwise (unpaid, or paid on time or early): a
-- generated column, VIRTUAL, so adding it rewrites none of a county's two million rows, and only the index
-- below stores it. "Paid late" is paid_late_days > XB_PAYMENT_GRACE_DAYS, a range at the front of
-- idx_payments_paid_late. The index is narrow on purpose: every payment written lands in it, and the NULLs
-- of on-time payments append in due-date order; a wide covering index here (with region, status, item
-- and amount) took a million-row import from 84 s to 138 s, while the late rows it would have covered are
-- few and read through the primary key instead (27,000 late of 1,000,000: 0.6-0.8 s for a county's count).
-- Computed at read time instead (paid_date > due_date + grace, no index) the late list took 6 s and the
-- dashboard 14 s at county scale. The expression differs by dialect: {{paid_late_days}} in model/migrate.go.
ALTER TABLE payments ADD COLUMN paid_late_days {{paid_late_days}};
-- MariaDB/MySQL only ({{mysql_only}}): SQLite 3.41 (modernc, our driver) answers wrongly with an index on
-- a generated column - a covering scan of it summed amount_fen as 0, and so did a query filtering on
-- paid_late_days with any index on it. SQLite holds a village's test data, not a county: no index there.
{{mysql_only}} CREATE INDEX idx_payments_paid_late ON payments (paid_late_days, due_date);
