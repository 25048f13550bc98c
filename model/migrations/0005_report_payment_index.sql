-- 0005: find the report open on a payment from the payment's side (officials' payment and overdue lists
-- show it next to each payment) without scanning every report.
CREATE INDEX idx_reports_payment ON reports (payment_id, open_key);
