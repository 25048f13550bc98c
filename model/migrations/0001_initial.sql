-- 0001: the whole domain. Written once in the SQL that MySQL 8, MariaDB 10.6+, TiDB and SQLite all
-- accept; {{id}}, {{datetime}}, {{bytes}} and {{table}} are filled in per dialect (migrate.go).
-- Money is integer fen (BIGINT), times are UTC, dates are DATE. Personal numbers are stored as
-- ciphertext + key id + blind index + masked form; never in clear.

CREATE TABLE regions (
  code             CHAR(12)     NOT NULL PRIMARY KEY,
  name             VARCHAR(64)  NOT NULL,
  level            SMALLINT     NOT NULL,            -- 1 province, 2 city, 3 county, 4 town, 5 village
  parent_code      CHAR(12)     NULL,
  rural_population INT          NOT NULL DEFAULT 0,  -- for the priority-village rule
  latitude         DOUBLE       NULL,
  longitude        DOUBLE       NULL,
  created_at       {{datetime}} NOT NULL,
  updated_at       {{datetime}} NOT NULL
){{table}};
CREATE INDEX idx_regions_parent ON regions (parent_code);

CREATE TABLE households (
  id            {{id}},
  household_no  VARCHAR(32)  NOT NULL,              -- 户编号 from the monitoring system
  region_code   CHAR(12)     NOT NULL,              -- the village
  class         VARCHAR(24)  NOT NULL,              -- poverty_alleviated | monitor_unstable | monitor_marginal | monitor_sudden
  status        VARCHAR(16)  NOT NULL DEFAULT 'active',
  support_level VARCHAR(16)  NOT NULL DEFAULT 'normal', -- normal | elevated (提级帮扶)
  head_name     VARCHAR(64)  NOT NULL,
  address       VARCHAR(255) NOT NULL DEFAULT '',
  latitude      DOUBLE       NULL,
  longitude     DOUBLE       NULL,
  size          INT          NOT NULL DEFAULT 1,
  labour_count  INT          NOT NULL DEFAULT 0,
  phone_cipher  {{bytes}}    NULL,
  phone_key_id  VARCHAR(16)  NULL,
  phone_index   CHAR(64)     NULL,
  phone_masked  VARCHAR(20)  NULL,
  created_at    {{datetime}} NOT NULL,
  updated_at    {{datetime}} NOT NULL
){{table}};
CREATE UNIQUE INDEX uq_households_no ON households (household_no);
CREATE INDEX idx_households_region ON households (region_code, class);

CREATE TABLE members (
  id                {{id}},
  household_id      BIGINT       NOT NULL,
  name              VARCHAR(64)  NOT NULL,
  relation          VARCHAR(16)  NOT NULL DEFAULT '',  -- 户主, 配偶, 之子, ...
  gender            CHAR(1)      NOT NULL DEFAULT '',  -- M | F, read from the ID number
  birth_date        DATE         NULL,
  id_card_cipher    {{bytes}}    NULL,
  id_card_key_id    VARCHAR(16)  NULL,
  id_card_index     CHAR(64)     NULL,
  id_card_masked    VARCHAR(20)  NULL,
  phone_cipher      {{bytes}}    NULL,
  phone_key_id      VARCHAR(16)  NULL,
  phone_index       CHAR(64)     NULL,
  phone_masked      VARCHAR(20)  NULL,
  labour_capacity   VARCHAR(8)   NOT NULL DEFAULT 'none', -- full | weak | half | none
  wish_to_work      BOOLEAN      NOT NULL DEFAULT FALSE,
  employment_status VARCHAR(16)  NOT NULL DEFAULT 'unknown', -- employed | unemployed | returned | unknown
  in_school         BOOLEAN      NOT NULL DEFAULT FALSE,
  disability        VARCHAR(32)  NOT NULL DEFAULT '',
  status            VARCHAR(16)  NOT NULL DEFAULT 'active',  -- active | moved_out | deceased
  created_at        {{datetime}} NOT NULL,
  updated_at        {{datetime}} NOT NULL,
  CONSTRAINT fk_members_household FOREIGN KEY (household_id) REFERENCES households (id)
){{table}};
CREATE INDEX idx_members_household ON members (household_id);
CREATE UNIQUE INDEX uq_members_id_card ON members (id_card_index);
CREATE INDEX idx_members_phone ON members (phone_index);

CREATE TABLE cadres (
  id            {{id}},
  name          VARCHAR(64)  NOT NULL,
  kind          VARCHAR(24)  NOT NULL,   -- responsible | first_secretary | work_team | village_committee | township_leader | county_leader
  organization  VARCHAR(128) NOT NULL DEFAULT '',
  position      VARCHAR(64)  NOT NULL DEFAULT '',
  region_code   CHAR(12)     NOT NULL,   -- where they serve: a village, town or county code
  phone_cipher  {{bytes}}    NULL,
  phone_key_id  VARCHAR(16)  NULL,
  phone_index   CHAR(64)     NULL,
  phone_masked  VARCHAR(20)  NULL,
  status        VARCHAR(16)  NOT NULL DEFAULT 'active',
  created_at    {{datetime}} NOT NULL,
  updated_at    {{datetime}} NOT NULL
){{table}};
CREATE INDEX idx_cadres_region ON cadres (region_code);
CREATE INDEX idx_cadres_phone ON cadres (phone_index);

CREATE TABLE pairings (
  id           {{id}},
  cadre_id     BIGINT       NOT NULL,
  household_id BIGINT       NOT NULL,
  role         VARCHAR(16)  NOT NULL,    -- responsible (帮扶责任人) | work_team (驻村工作队) | leader (提级帮扶)
  started_on   DATE         NOT NULL,
  ended_on     DATE         NULL,
  created_at   {{datetime}} NOT NULL,
  updated_at   {{datetime}} NOT NULL,
  CONSTRAINT fk_pairings_cadre FOREIGN KEY (cadre_id) REFERENCES cadres (id),
  CONSTRAINT fk_pairings_household FOREIGN KEY (household_id) REFERENCES households (id)
){{table}};
CREATE UNIQUE INDEX uq_pairings ON pairings (household_id, cadre_id, role);
CREATE INDEX idx_pairings_cadre ON pairings (cadre_id, ended_on);

CREATE TABLE users (
  id              {{id}},
  miniapp_openid  VARCHAR(64)  NULL,
  official_openid VARCHAR(64)  NULL,
  unionid         VARCHAR(64)  NULL,
  role            VARCHAR(16)  NOT NULL DEFAULT 'guest', -- guest | household | cadre
  member_id       BIGINT       NULL,
  household_id    BIGINT       NULL,
  cadre_id        BIGINT       NULL,
  bound_at        {{datetime}} NULL,
  follows_official BOOLEAN     NOT NULL DEFAULT FALSE,
  created_at      {{datetime}} NOT NULL,
  updated_at      {{datetime}} NOT NULL,
  CONSTRAINT fk_users_member FOREIGN KEY (member_id) REFERENCES members (id),
  CONSTRAINT fk_users_cadre FOREIGN KEY (cadre_id) REFERENCES cadres (id)
){{table}};
CREATE UNIQUE INDEX uq_users_miniapp_openid ON users (miniapp_openid);
CREATE UNIQUE INDEX uq_users_official_openid ON users (official_openid);
CREATE INDEX idx_users_unionid ON users (unionid);
CREATE UNIQUE INDEX uq_users_member ON users (member_id);
CREATE UNIQUE INDEX uq_users_cadre ON users (cadre_id);
CREATE INDEX idx_users_household ON users (household_id);

CREATE TABLE admin_users (
  id             {{id}},
  username       VARCHAR(64)  NOT NULL,
  display_name   VARCHAR(64)  NOT NULL DEFAULT '',
  password_hash  VARCHAR(255) NOT NULL,
  role           VARCHAR(16)  NOT NULL DEFAULT 'official', -- official | sysadmin
  region_scope   VARCHAR(12)  NOT NULL DEFAULT '',         -- a region code prefix; '' is everything
  department     VARCHAR(64)  NOT NULL DEFAULT '',
  wechat_user_id BIGINT       NULL,                        -- for template-message pushes
  disabled       BOOLEAN      NOT NULL DEFAULT FALSE,
  last_login_at  {{datetime}} NULL,
  created_at     {{datetime}} NOT NULL,
  updated_at     {{datetime}} NOT NULL
){{table}};
CREATE UNIQUE INDEX uq_admin_users_username ON admin_users (username);

CREATE TABLE sessions (
  id           {{id}},
  token_id     CHAR(32)     NOT NULL,                    -- random; the token carries it, signed
  subject_kind VARCHAR(8)   NOT NULL,                    -- user | admin
  subject_id   BIGINT       NOT NULL,
  csrf_token   VARCHAR(64)  NOT NULL DEFAULT '',
  ip           VARCHAR(45)  NOT NULL DEFAULT '',
  user_agent   VARCHAR(255) NOT NULL DEFAULT '',
  expires_at   {{datetime}} NOT NULL,
  revoked_at   {{datetime}} NULL,
  created_at   {{datetime}} NOT NULL
){{table}};
CREATE UNIQUE INDEX uq_sessions_token ON sessions (token_id);
CREATE INDEX idx_sessions_subject ON sessions (subject_kind, subject_id);

CREATE TABLE invite_codes (
  id              {{id}},
  code_index      CHAR(64)     NOT NULL,                 -- HMAC of the code; the code itself is shown once
  cadre_id        BIGINT       NOT NULL,
  issued_by       BIGINT       NOT NULL,                 -- admin_users.id
  expires_at      {{datetime}} NOT NULL,
  used_at         {{datetime}} NULL,
  used_by_user_id BIGINT       NULL,
  revoked_at      {{datetime}} NULL,
  created_at      {{datetime}} NOT NULL,
  CONSTRAINT fk_invite_codes_cadre FOREIGN KEY (cadre_id) REFERENCES cadres (id)
){{table}};
CREATE UNIQUE INDEX uq_invite_codes_code ON invite_codes (code_index);
CREATE INDEX idx_invite_codes_cadre ON invite_codes (cadre_id);

CREATE TABLE subsidy_items (
  code       VARCHAR(32)  NOT NULL PRIMARY KEY,
  name       VARCHAR(64)  NOT NULL,
  department VARCHAR(64)  NOT NULL,
  via_card   BOOLEAN      NOT NULL DEFAULT TRUE,      -- paid through the 一卡通
  payee      VARCHAR(16)  NOT NULL,                   -- household | member
  schedule   VARCHAR(16)  NOT NULL,                   -- monthly | quarterly | yearly | once
  sort_order INT          NOT NULL DEFAULT 0,
  active     BOOLEAN      NOT NULL DEFAULT TRUE,
  created_at {{datetime}} NOT NULL,
  updated_at {{datetime}} NOT NULL
){{table}};

CREATE TABLE payments (
  id             {{id}},
  household_id   BIGINT       NOT NULL,
  member_id      BIGINT       NOT NULL DEFAULT 0,     -- 0: paid to the household
  region_code    CHAR(12)     NOT NULL,               -- the household's village, kept for region queries
  item_code      VARCHAR(32)  NOT NULL,
  period         VARCHAR(16)  NOT NULL,               -- 2026-10 | 2026-Q3 | 2026 | 2026-10-15 (once)
  batch_no       VARCHAR(64)  NOT NULL DEFAULT '',
  amount_fen     BIGINT       NOT NULL,
  due_date       DATE         NOT NULL,
  paid_date      DATE         NULL,
  status         VARCHAR(16)  NOT NULL,               -- scheduled | paid | failed | returned (overdue is computed)
  failure_reason VARCHAR(255) NOT NULL DEFAULT '',
  card_last4     CHAR(4)      NOT NULL DEFAULT '',
  import_run_id  BIGINT       NULL,
  created_at     {{datetime}} NOT NULL,
  updated_at     {{datetime}} NOT NULL,
  CONSTRAINT fk_payments_household FOREIGN KEY (household_id) REFERENCES households (id),
  CONSTRAINT fk_payments_item FOREIGN KEY (item_code) REFERENCES subsidy_items (code),
  CONSTRAINT ck_payments_amount CHECK (amount_fen >= 0)
){{table}};
CREATE UNIQUE INDEX uq_payments_natural ON payments (household_id, member_id, item_code, period, batch_no);
CREATE INDEX idx_payments_household_due ON payments (household_id, due_date);
CREATE INDEX idx_payments_region_status ON payments (region_code, status, due_date);
CREATE INDEX idx_payments_status_due ON payments (status, due_date);
CREATE INDEX idx_payments_item_period ON payments (item_code, period);

CREATE TABLE reports (
  id                {{id}},
  type              VARCHAR(8)   NOT NULL,            -- payment (问题反映) | risk (自主申报)
  household_id      BIGINT       NOT NULL,
  payment_id        BIGINT       NULL,
  region_code       CHAR(12)     NOT NULL,
  kind              VARCHAR(24)  NOT NULL,
  text              TEXT         NOT NULL,
  photo_ids         TEXT         NOT NULL,            -- JSON array of photos.id
  reporter_user_id  BIGINT       NULL,
  reporter_cadre_id BIGINT       NULL,
  reporter_relation VARCHAR(16)  NOT NULL DEFAULT 'self', -- self | relative | cadre
  status            VARCHAR(16)  NOT NULL,            -- open | acknowledged | resolved | rejected
  assigned_cadre_id BIGINT       NULL,
  department        VARCHAR(64)  NOT NULL DEFAULT '',
  first_deadline    {{datetime}} NOT NULL,            -- acknowledge / village check
  final_deadline    {{datetime}} NOT NULL,            -- resolve / decide
  acknowledged_at   {{datetime}} NULL,
  closed_at         {{datetime}} NULL,
  escalation_level  INT          NOT NULL DEFAULT 0,
  escalated_at      {{datetime}} NULL,
  answer            TEXT         NULL,
  open_key          VARCHAR(64)  NULL,                -- set while open, so one payment has one open report
  created_at        {{datetime}} NOT NULL,
  updated_at        {{datetime}} NOT NULL,
  CONSTRAINT fk_reports_household FOREIGN KEY (household_id) REFERENCES households (id)
){{table}};
CREATE UNIQUE INDEX uq_reports_open ON reports (open_key);
CREATE INDEX idx_reports_household ON reports (household_id, created_at);
CREATE INDEX idx_reports_region ON reports (region_code, status);
CREATE INDEX idx_reports_cadre ON reports (assigned_cadre_id, status);
CREATE INDEX idx_reports_deadline ON reports (status, final_deadline);

CREATE TABLE report_events (
  id          {{id}},
  report_id   BIGINT       NOT NULL,
  from_status VARCHAR(16)  NOT NULL DEFAULT '',
  to_status   VARCHAR(16)  NOT NULL,
  actor_kind  VARCHAR(12)  NOT NULL,                  -- household | cadre | official | system
  actor_id    BIGINT       NOT NULL DEFAULT 0,
  actor_name  VARCHAR(64)  NOT NULL DEFAULT '',
  message     TEXT         NULL,
  created_at  {{datetime}} NOT NULL,
  CONSTRAINT fk_report_events_report FOREIGN KEY (report_id) REFERENCES reports (id)
){{table}};
CREATE INDEX idx_report_events_report ON report_events (report_id);

CREATE TABLE jobs (
  id                   {{id}},
  external_no          VARCHAR(64)  NULL,             -- the 人社 system's number, for imports
  kind                 VARCHAR(16)  NOT NULL,         -- migrant | park | workshop | public_welfare | work_relief | gig
  title                VARCHAR(128) NOT NULL,
  employer             VARCHAR(128) NOT NULL,
  region_code          CHAR(12)     NOT NULL,
  address              VARCHAR(255) NOT NULL DEFAULT '',
  latitude             DOUBLE       NULL,
  longitude            DOUBLE       NULL,
  wage_min_fen         BIGINT       NOT NULL,
  wage_max_fen         BIGINT       NOT NULL,
  wage_unit            VARCHAR(8)   NOT NULL,         -- month | day | piece
  headcount            INT          NOT NULL,
  filled               INT          NOT NULL DEFAULT 0,
  skill_tags           TEXT         NOT NULL,         -- JSON array; job_tags holds the same for matching
  age_min              INT          NULL,
  age_max              INT          NULL,
  physical_demand      VARCHAR(8)   NOT NULL DEFAULT 'medium', -- light | medium | heavy
  benefits             TEXT         NOT NULL,         -- JSON: {"meals":true,"lodging":true,"transport":false}
  contact_name         VARCHAR(64)  NOT NULL DEFAULT '',
  contact_phone_cipher {{bytes}}    NULL,
  contact_phone_key_id VARCHAR(16)  NULL,
  contact_phone_index  CHAR(64)     NULL,
  contact_phone_masked VARCHAR(20)  NULL,
  description          TEXT         NULL,
  status               VARCHAR(8)   NOT NULL DEFAULT 'open', -- open | closed
  valid_from           DATE         NOT NULL,
  valid_until          DATE         NOT NULL,
  published_at         {{datetime}} NOT NULL,
  created_by           BIGINT       NULL,
  created_at           {{datetime}} NOT NULL,
  updated_at           {{datetime}} NOT NULL,
  CONSTRAINT ck_jobs_wage CHECK (wage_min_fen >= 0 AND wage_max_fen >= wage_min_fen)
){{table}};
CREATE UNIQUE INDEX uq_jobs_external ON jobs (external_no);
CREATE INDEX idx_jobs_open ON jobs (status, valid_until);
CREATE INDEX idx_jobs_region ON jobs (region_code);
CREATE INDEX idx_jobs_published ON jobs (published_at, id);

CREATE TABLE job_tags (
  job_id BIGINT      NOT NULL,
  tag    VARCHAR(32) NOT NULL,
  PRIMARY KEY (job_id, tag),
  CONSTRAINT fk_job_tags_job FOREIGN KEY (job_id) REFERENCES jobs (id)
){{table}};
CREATE INDEX idx_job_tags_tag ON job_tags (tag);

CREATE TABLE job_profiles (
  id             {{id}},
  user_id        BIGINT       NOT NULL,
  member_id      BIGINT       NULL,
  household_id   BIGINT       NULL,
  region_code    CHAR(12)     NOT NULL DEFAULT '',    -- home village, for "本地"
  skills         TEXT         NOT NULL,               -- JSON arrays
  places         TEXT         NOT NULL,
  kinds          TEXT         NOT NULL,
  min_wage_fen   BIGINT       NOT NULL DEFAULT 0,
  wage_unit      VARCHAR(8)   NOT NULL DEFAULT 'month',
  available_from DATE         NULL,
  capacity       VARCHAR(8)   NOT NULL DEFAULT 'full', -- full | weak | half
  active         BOOLEAN      NOT NULL DEFAULT TRUE,
  created_at     {{datetime}} NOT NULL,
  updated_at     {{datetime}} NOT NULL,
  CONSTRAINT fk_job_profiles_user FOREIGN KEY (user_id) REFERENCES users (id)
){{table}};
CREATE UNIQUE INDEX uq_job_profiles_user ON job_profiles (user_id);
CREATE INDEX idx_job_profiles_member ON job_profiles (member_id);

CREATE TABLE job_interests (
  id           {{id}},
  job_id       BIGINT       NOT NULL,
  user_id      BIGINT       NOT NULL,
  member_id    BIGINT       NULL,
  household_id BIGINT       NULL,
  created_at   {{datetime}} NOT NULL,
  CONSTRAINT fk_job_interests_job FOREIGN KEY (job_id) REFERENCES jobs (id)
){{table}};
CREATE UNIQUE INDEX uq_job_interests ON job_interests (job_id, user_id);
CREATE INDEX idx_job_interests_household ON job_interests (household_id);

CREATE TABLE employment_events (
  id           {{id}},
  member_id    BIGINT       NOT NULL,
  household_id BIGINT       NOT NULL,
  event        VARCHAR(12)  NOT NULL,                 -- started | ended | returned
  job_id       BIGINT       NULL,
  employer     VARCHAR(128) NOT NULL DEFAULT '',
  place        VARCHAR(64)  NOT NULL DEFAULT '',
  occurred_on  DATE         NOT NULL,
  actor_kind   VARCHAR(12)  NOT NULL,
  actor_id     BIGINT       NOT NULL,
  note         VARCHAR(255) NOT NULL DEFAULT '',
  created_at   {{datetime}} NOT NULL,
  CONSTRAINT fk_employment_events_member FOREIGN KEY (member_id) REFERENCES members (id)
){{table}};
CREATE INDEX idx_employment_events_member ON employment_events (member_id, occurred_on);
CREATE INDEX idx_employment_events_household ON employment_events (household_id);

CREATE TABLE visits (
  id                   {{id}},
  client_id            CHAR(36)     NOT NULL,         -- UUID made on the phone: replays are harmless
  cadre_id             BIGINT       NOT NULL,
  household_id         BIGINT       NOT NULL,
  revision             INT          NOT NULL DEFAULT 1,
  root_id              BIGINT       NULL,             -- the first revision; NULL on the first itself
  is_current           BOOLEAN      NOT NULL DEFAULT TRUE,
  visited_at           {{datetime}} NOT NULL,         -- the phone's clock
  received_at          {{datetime}} NOT NULL,         -- ours
  latitude             DOUBLE       NULL,
  longitude            DOUBLE       NULL,
  accuracy_m           DOUBLE       NULL,
  distance_m           DOUBLE       NULL,
  location_flag        VARCHAR(8)   NOT NULL DEFAULT 'unknown', -- ok | far | missing | unknown
  findings             TEXT         NOT NULL,         -- JSON
  notes                TEXT         NULL,
  photo_ids            TEXT         NOT NULL,         -- JSON array
  confirmation         VARCHAR(12)  NOT NULL DEFAULT 'pending', -- pending | confirmed | denied
  confirmed_at         {{datetime}} NULL,
  confirmed_by_user_id BIGINT       NULL,
  confirmation_note    VARCHAR(255) NOT NULL DEFAULT '',
  created_at           {{datetime}} NOT NULL,
  updated_at           {{datetime}} NOT NULL,
  CONSTRAINT fk_visits_cadre FOREIGN KEY (cadre_id) REFERENCES cadres (id),
  CONSTRAINT fk_visits_household FOREIGN KEY (household_id) REFERENCES households (id)
){{table}};
CREATE UNIQUE INDEX uq_visits_client ON visits (cadre_id, client_id);
CREATE INDEX idx_visits_household ON visits (household_id, visited_at);
CREATE INDEX idx_visits_cadre ON visits (cadre_id, visited_at);

CREATE TABLE income_records (
  id             {{id}},
  household_id   BIGINT       NOT NULL,
  year           INT          NOT NULL,
  wage_fen       BIGINT       NOT NULL,               -- 工资性
  business_fen   BIGINT       NOT NULL,               -- 生产经营性 (net)
  transfer_fen   BIGINT       NOT NULL,               -- 转移性
  property_fen   BIGINT       NOT NULL,               -- 财产性
  household_size INT          NOT NULL,
  per_capita_fen BIGINT       NOT NULL,               -- 家庭人均纯收入
  revision       INT          NOT NULL DEFAULT 1,
  is_current     BOOLEAN      NOT NULL DEFAULT TRUE,
  actor_kind     VARCHAR(12)  NOT NULL,
  actor_id       BIGINT       NOT NULL,
  note           VARCHAR(255) NOT NULL DEFAULT '',
  created_at     {{datetime}} NOT NULL,
  updated_at     {{datetime}} NOT NULL,
  CONSTRAINT fk_income_records_household FOREIGN KEY (household_id) REFERENCES households (id),
  CONSTRAINT ck_income_size CHECK (household_size > 0)
){{table}};
CREATE UNIQUE INDEX uq_income_records ON income_records (household_id, year, revision);
CREATE INDEX idx_income_records_year ON income_records (year, is_current);

CREATE TABLE income_plans (
  id           {{id}},
  household_id BIGINT       NOT NULL,
  measures     TEXT         NOT NULL,
  responsible  VARCHAR(64)  NOT NULL,
  target_fen   BIGINT       NOT NULL,
  review_date  DATE         NOT NULL,
  actor_kind   VARCHAR(12)  NOT NULL,
  actor_id     BIGINT       NOT NULL,
  created_at   {{datetime}} NOT NULL,
  updated_at   {{datetime}} NOT NULL,
  CONSTRAINT fk_income_plans_household FOREIGN KEY (household_id) REFERENCES households (id)
){{table}};
CREATE INDEX idx_income_plans_household ON income_plans (household_id);

CREATE TABLE household_flags (
  id           {{id}},
  household_id BIGINT       NOT NULL,
  flag         VARCHAR(32)  NOT NULL,   -- under_line | income_fell | low_growth | priority | elevation_needed | job_lost | ...
  year         INT          NOT NULL DEFAULT 0,
  detail       VARCHAR(255) NOT NULL DEFAULT '',
  raised_at    {{datetime}} NOT NULL,
  cleared_at   {{datetime}} NULL,
  active_key   VARCHAR(64)  NULL,       -- set while raised, so a flag is raised once
  CONSTRAINT fk_household_flags_household FOREIGN KEY (household_id) REFERENCES households (id)
){{table}};
CREATE UNIQUE INDEX uq_household_flags_active ON household_flags (active_key);
CREATE INDEX idx_household_flags_household ON household_flags (household_id);
CREATE INDEX idx_household_flags_flag ON household_flags (flag, cleared_at);

CREATE TABLE village_flags (
  id          {{id}},
  region_code CHAR(12)     NOT NULL,
  flag        VARCHAR(32)  NOT NULL,    -- priority_village
  year        INT          NOT NULL DEFAULT 0,
  detail      VARCHAR(255) NOT NULL DEFAULT '',
  raised_at   {{datetime}} NOT NULL,
  cleared_at  {{datetime}} NULL,
  active_key  VARCHAR(64)  NULL
){{table}};
CREATE UNIQUE INDEX uq_village_flags_active ON village_flags (active_key);
CREATE INDEX idx_village_flags_region ON village_flags (region_code);

CREATE TABLE photos (
  id              {{id}},
  sha256          CHAR(64)     NOT NULL,
  content_type    VARCHAR(32)  NOT NULL,
  size_bytes      INT          NOT NULL,
  storage_key     VARCHAR(128) NOT NULL,
  household_id    BIGINT       NULL,
  uploader_kind   VARCHAR(12)  NOT NULL,
  uploader_id     BIGINT       NOT NULL,
  created_at      {{datetime}} NOT NULL
){{table}};
CREATE INDEX idx_photos_household ON photos (household_id);
CREATE INDEX idx_photos_uploader ON photos (uploader_kind, uploader_id);

CREATE TABLE push_outbox (
  id              {{id}},
  dedupe_key      VARCHAR(191) NOT NULL,
  channel         VARCHAR(12)  NOT NULL,              -- template | subscribe
  kind            VARCHAR(32)  NOT NULL,              -- visit_due | payment_overdue | job_match | ...
  user_id         BIGINT       NULL,
  openid          VARCHAR(64)  NOT NULL,
  template_key    VARCHAR(32)  NOT NULL,
  payload         TEXT         NOT NULL,              -- JSON: template data
  page            VARCHAR(255) NOT NULL DEFAULT '',
  state           VARCHAR(10)  NOT NULL,              -- queued | leased | sent | dead | skipped
  attempts        INT          NOT NULL DEFAULT 0,
  next_attempt_at {{datetime}} NOT NULL,
  lease_owner     VARCHAR(64)  NOT NULL DEFAULT '',
  lease_until     {{datetime}} NULL,
  last_error      VARCHAR(255) NOT NULL DEFAULT '',
  wechat_msg_id   VARCHAR(32)  NOT NULL DEFAULT '',
  delivery_status VARCHAR(32)  NOT NULL DEFAULT '',   -- from TEMPLATESENDJOBFINISH
  sent_at         {{datetime}} NULL,
  created_at      {{datetime}} NOT NULL,
  updated_at      {{datetime}} NOT NULL
){{table}};
CREATE UNIQUE INDEX uq_push_outbox_dedupe ON push_outbox (dedupe_key);
CREATE INDEX idx_push_outbox_due ON push_outbox (state, next_attempt_at);
CREATE INDEX idx_push_outbox_msg ON push_outbox (wechat_msg_id);
CREATE INDEX idx_push_outbox_user ON push_outbox (user_id, created_at);

CREATE TABLE subscription_consents (
  id           {{id}},
  user_id      BIGINT       NOT NULL,
  template_key VARCHAR(32)  NOT NULL,
  remaining    INT          NOT NULL DEFAULT 0,       -- one-time consents not yet spent
  long_term    BOOLEAN      NOT NULL DEFAULT FALSE,
  rejected_at  {{datetime}} NULL,
  created_at   {{datetime}} NOT NULL,
  updated_at   {{datetime}} NOT NULL,
  CONSTRAINT fk_subscription_consents_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT ck_subscription_remaining CHECK (remaining >= 0)
){{table}};
CREATE UNIQUE INDEX uq_subscription_consents ON subscription_consents (user_id, template_key);

CREATE TABLE audit_log (
  id          {{id}},
  created_at  {{datetime}} NOT NULL,
  actor_kind  VARCHAR(12)  NOT NULL,                  -- household | cadre | official | system | importer
  actor_id    BIGINT       NOT NULL DEFAULT 0,
  actor_name  VARCHAR(64)  NOT NULL DEFAULT '',
  action      VARCHAR(48)  NOT NULL,
  target_kind VARCHAR(24)  NOT NULL DEFAULT '',
  target_id   BIGINT       NOT NULL DEFAULT 0,
  region_code VARCHAR(12)  NOT NULL DEFAULT '',
  ip          VARCHAR(45)  NOT NULL DEFAULT '',
  endpoint    VARCHAR(128) NOT NULL DEFAULT '',
  request_id  VARCHAR(64)  NOT NULL DEFAULT '',
  detail      TEXT         NULL
){{table}};
CREATE INDEX idx_audit_log_region ON audit_log (region_code, created_at);
CREATE INDEX idx_audit_log_target ON audit_log (target_kind, target_id);
CREATE INDEX idx_audit_log_actor ON audit_log (actor_kind, actor_id, created_at);

CREATE TABLE import_runs (
  id             {{id}},
  kind           VARCHAR(16)  NOT NULL,               -- regions | households | members | payments | jobs | cadres | pairings
  file_name      VARCHAR(255) NOT NULL,
  file_sha256    CHAR(64)     NOT NULL,
  mode           VARCHAR(12)  NOT NULL,               -- all | keep_good
  status         VARCHAR(12)  NOT NULL,               -- queued | running | done | rejected | failed
  rows_total     INT          NOT NULL DEFAULT 0,
  rows_done      INT          NOT NULL DEFAULT 0,
  rows_created   INT          NOT NULL DEFAULT 0,
  rows_updated   INT          NOT NULL DEFAULT 0,
  rows_unchanged INT          NOT NULL DEFAULT 0,
  rows_rejected  INT          NOT NULL DEFAULT 0,
  report_path    VARCHAR(255) NOT NULL DEFAULT '',
  error          TEXT         NULL,
  admin_user_id  BIGINT       NULL,
  region_scope   VARCHAR(12)  NOT NULL DEFAULT '',
  started_at     {{datetime}} NULL,
  finished_at    {{datetime}} NULL,
  created_at     {{datetime}} NOT NULL,
  updated_at     {{datetime}} NOT NULL
){{table}};
CREATE INDEX idx_import_runs_created ON import_runs (created_at);

CREATE TABLE leases (
  name       VARCHAR(64)  NOT NULL PRIMARY KEY,       -- e.g. scheduler: a leader lock without Redis
  holder     VARCHAR(64)  NOT NULL,
  expires_at {{datetime}} NOT NULL
){{table}};
