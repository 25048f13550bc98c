-- 0005: indexes for the officials' payment lists and the report shown beside each payment.
-- The report open on a payment, looked up from the payment's side without scanning every report.
CREATE INDEX idx_reports_payment ON reports (payment_id, open_key);
-- Newest (or oldest) due first, a page at a time, for a whole county: read the index in order and stop.
CREATE INDEX idx_payments_due ON payments (due_date);
-- Counts and sums by status and item from the indexes alone, never reading the rows: by region (a village,
-- a town) and by status (overdue: scheduled and due before a day). With only the narrower indexes of 0001,
-- MariaDB reads every matching row: 1.5 s for a village and 11 to 23 s for a county's overdue payments among
-- two million, against 0.01 s and 0.2 s with these (docs/PERFORMANCE.md). Imports arrive a period at a time,
-- which touches few pages of either, so they cost batch imports little.
CREATE INDEX idx_payments_region_cover ON payments (region_code, due_date, status, item_code, period, amount_fen);
CREATE INDEX idx_payments_status_cover ON payments (status, due_date, region_code, item_code, period, amount_fen);
