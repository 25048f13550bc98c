// Package wechat is the one place that talks to WeChat: the only importer
// of github.com/silenceper/wechat/v2 (v2.1.14). It builds the official
// account and mini-program clients from plain options and offers the rest
// of the program a few calls (code2session, template and subscribe
// messages, menus, web OAuth, user info) and the official account's
// message callback.
//
// What it adds to the SDK, and why:
//
//   - Routing. Every request the SDK makes carries, in its context, where
//     it may go: WeChat, or the base URL of XB_WECHAT_API_BASE (wxmock in
//     tests, staging and the demo). A request without that — an SDK path
//     we did not route — is refused, never sent. See transport.go.
//   - Access tokens through stable_token, cached in the shared kv.Store
//     (Redis: one token for every instance), fetched by one caller per
//     process (single flight) and one instance at a time (a short lock),
//     and dropped and fetched again once when WeChat rejects them. See
//     token.go.
//   - Typed, redacted errors: *APIError for WeChat's errcodes, *NetError
//     for the rest; secrets and tokens never reach an error or a log line.
//   - A callback that checks signatures in constant time, rejects stale
//     timestamps and large bodies, de-duplicates WeChat's retries and
//     answers "success" when there is nothing to say. See callback.go.
package wechat
