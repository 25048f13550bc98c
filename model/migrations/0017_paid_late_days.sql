-- 0017: paid late (迟发) as a range read. paid_late_days is the days from a payment's due date to the day
-- it was paid (NULL while unpaid), a generated column: VIRTUAL, so adding it rewrites none of a county's
-- two million rows, and only the index below stores it. "Paid late" is paid_late_days > XB_PAYMENT_GRACE_DAYS,
-- a range at the front of idx_payments_paid_late; the due dates, region, status, item and amount after it
-- let the dashboard's 今年迟发 and the late list's counts be read from the index alone. Computed at read
-- time instead (paid_date > due_date + grace, no index) the late list took 6 s and the dashboard 14 s at
-- county scale. The expression differs by dialect: {{paid_late_days}} in model/migrate.go.
ALTER TABLE payments ADD COLUMN paid_late_days {{paid_late_days}};
-- MariaDB/MySQL only ({{mysql_only}}): SQLite 3.41 (modernc, our driver) answers wrongly with an index on
-- a generated column - a covering scan of it summed amount_fen as 0, and so did a query filtering on
-- paid_late_days with any index on it. SQLite holds a village's test data, not a county: no index there.
{{mysql_only}} CREATE INDEX idx_payments_paid_late ON payments (paid_late_days, due_date, region_code, status, item_code, amount_fen);
