-- 0010: what imports need (issue 10).

-- Cadres can carry an ID number, sealed like members' (ciphertext, key id, blind index, masked form):
-- county lists name cadres by ID as often as by phone, and pairings find them by either. The index is
-- unique, so one person is one cadre; cadres without an ID number (NULL) are matched by name + phone.
ALTER TABLE cadres ADD COLUMN id_card_cipher {{bytes}} NULL;
ALTER TABLE cadres ADD COLUMN id_card_key_id VARCHAR(16) NULL;
ALTER TABLE cadres ADD COLUMN id_card_index CHAR(64) NULL;
ALTER TABLE cadres ADD COLUMN id_card_masked VARCHAR(20) NULL;
CREATE UNIQUE INDEX uq_cadres_id_card ON cadres (id_card_index);

-- Progress of a run the admin API can show while it runs: the phase (checking the whole file first,
-- then writing), and bytes read when the number of rows is not known yet. updated_at is the run's
-- heartbeat: a run still "running" whose heartbeat stopped (the process died) is marked failed.
ALTER TABLE import_runs ADD COLUMN phase VARCHAR(12) NOT NULL DEFAULT '';
ALTER TABLE import_runs ADD COLUMN bytes_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_runs ADD COLUMN bytes_done BIGINT NOT NULL DEFAULT 0;
CREATE INDEX idx_import_runs_status ON import_runs (status, updated_at);

-- Status changes of payments already on file (scheduled → paid, paid → returned, ...), one row per
-- change, written in the transaction that changed the payment, so whoever tells households (the push
-- engine) sees the old and the new status. A payment an import creates has no event: it is found by
-- import_run_id and created_at.
CREATE TABLE payment_events (
  id            {{id}},
  payment_id    BIGINT       NOT NULL,
  household_id  BIGINT       NOT NULL,
  region_code   CHAR(12)     NOT NULL,
  from_status   VARCHAR(16)  NOT NULL,
  to_status     VARCHAR(16)  NOT NULL,
  import_run_id BIGINT       NULL,
  created_at    {{datetime}} NOT NULL,
  CONSTRAINT fk_payment_events_payment FOREIGN KEY (payment_id) REFERENCES payments (id)
){{table}};
CREATE INDEX idx_payment_events_created ON payment_events (created_at, id);
CREATE INDEX idx_payment_events_payment ON payment_events (payment_id);
