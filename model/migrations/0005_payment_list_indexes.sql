-- 0005: indexes for the officials' payment lists and the report shown beside each payment.
-- The report open on a payment, looked up from the payment's side without scanning every report.
CREATE INDEX idx_reports_payment ON reports (payment_id, open_key);
-- Newest (or oldest) due first, a page at a time, for a whole county: read the index in order and stop.
CREATE INDEX idx_payments_due ON payments (due_date);
-- Counts and sums by status and item from the index alone, never reading the rows: a range of it for one
-- status (overdue: scheduled and due before a day), the whole of it for a region. With only the narrower
-- indexes of 0001 MariaDB reads every matching row: 11 to 23 s instead of 0.3 s for a county's overdue
-- payments among two million. One such index, not one per filter: each costs the importer.
CREATE INDEX idx_payments_status_cover ON payments (status, due_date, region_code, item_code, period, amount_fen);
