-- 0005: indexes for the officials' payment lists and the report shown beside each payment.
-- The report open on a payment, looked up from the payment's side without scanning every report.
CREATE INDEX idx_reports_payment ON reports (payment_id, open_key);
-- Newest (or oldest) due first, a page at a time, for a whole county: read the index in order and stop.
CREATE INDEX idx_payments_due ON payments (due_date);
-- Counts and sums by status and item from the index alone, without reading the rows: over a region prefix
-- (and a due window, a period), or over one status (overdue: scheduled and due before a day). With only
-- the narrower indexes of 0001, MariaDB reads each matching row: seconds to minutes for a county.
CREATE INDEX idx_payments_region_cover ON payments (region_code, due_date, status, item_code, period, amount_fen);
CREATE INDEX idx_payments_status_cover ON payments (status, due_date, region_code, item_code, period, amount_fen);
