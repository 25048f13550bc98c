-- 0011: an index for the admin console's dashboard. This year's payments of a region by month
-- and status are counted and summed from the index alone: region code first (officials' scopes
-- are code prefixes, queried as a range), then due date, status and amount.
CREATE INDEX idx_payments_region_due ON payments (region_code, due_date, status, amount_fen);
