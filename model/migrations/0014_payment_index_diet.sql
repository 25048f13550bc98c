-- 0014: two indexes on payments that others already answer for. Every payment written (a million a
-- year in a county's 一卡通 import) updates every index, and on a server whose buffer pool does not hold
-- them all each one costs reads: dropping these two took a million-row import from 107 s to 78 s of
-- writing (docs/PERFORMANCE.md).
--   idx_payments_status_due (status, due_date) is the leading part of idx_payments_status_cover.
--   idx_payments_region_due (region_code, due_date, status, amount_fen) has the leading columns of
--   idx_payments_region_cover, which holds amount_fen too: the dashboard's months read that instead.
DROP INDEX idx_payments_status_due ON payments;
DROP INDEX idx_payments_region_due ON payments;
