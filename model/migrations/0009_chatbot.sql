-- 0009: the official account bot's conversations. One row per message or event a user sent, written
-- once however often WeChat retries it (dedupe_key is the message's MsgId, or for events the user,
-- CreateTime and event). Questions the bot could not answer stay listed for officials (answered =
-- FALSE). The text is stored with ID-like and phone-like numbers masked; replies are not stored.

CREATE TABLE chat_messages (
  id           {{id}},
  dedupe_key   VARCHAR(191) NOT NULL,
  openid       VARCHAR(64)  NOT NULL,             -- the official account openid
  user_id      BIGINT       NULL,                 -- users.id when known
  bound        BOOLEAN      NOT NULL DEFAULT FALSE, -- bound to a household member or a cadre when sent
  region_code  VARCHAR(12)  NOT NULL DEFAULT '',  -- the household's village or the cadre's region
  msg_type     VARCHAR(16)  NOT NULL,             -- text | voice | image | event | ...
  event        VARCHAR(32)  NOT NULL DEFAULT '',  -- subscribe | unsubscribe | CLICK | VIEW
  text         VARCHAR(600) NOT NULL DEFAULT '',  -- text, voice recognition or event key; numbers masked
  intent       VARCHAR(32)  NOT NULL DEFAULT '',  -- the intent answered; '' none
  answered     BOOLEAN      NOT NULL DEFAULT TRUE,
  outcome      VARCHAR(12)  NOT NULL DEFAULT 'ok', -- ok | busy (the deadline passed) | error
  received_at  {{datetime}} NOT NULL,
  created_at   {{datetime}} NOT NULL
){{table}};
CREATE UNIQUE INDEX uq_chat_messages_dedupe ON chat_messages (dedupe_key);
CREATE INDEX idx_chat_messages_unanswered ON chat_messages (answered, region_code, id);
CREATE INDEX idx_chat_messages_openid ON chat_messages (openid, received_at);
