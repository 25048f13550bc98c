package wxmock

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// Error codes from WeChat's global return code table that wxmock answers.
const (
	CodeSystemBusy        = -1
	CodeInvalidCredential = 40001 // access_token unknown or superseded
	CodeInvalidGrantType  = 40002
	CodeInvalidOpenID     = 40003
	CodeInvalidAppID      = 40013
	CodeInvalidToken      = 40014
	CodeButtonSize        = 40016
	CodeButtonType        = 40017
	CodeButtonNameSize    = 40018
	CodeButtonKeySize     = 40019
	CodeButtonURLSize     = 40020
	CodeSubButtonSize     = 40023
	CodeInvalidCode       = 40029
	CodeInvalidTemplateID = 40037
	CodeInvalidSecret     = 40125
	CodeCodeUsed          = 40163
	CodeInvalidPagePath   = 40165
	CodeTokenMissing      = 41001
	CodeAppIDMissing      = 41002
	CodeSecretMissing     = 41004
	CodeCodeMissing       = 41008
	CodeTokenExpired      = 42001
	CodeRequirePOST       = 43002
	CodeRequireSubscribe  = 43004
	CodeUserRefused       = 43101
	CodeEmptyPostData     = 44002
	CodeDailyQuota        = 45009
	CodeMinuteQuota       = 45011
	CodeMenuNotExist      = 46003
	CodeDataFormat        = 47001
	CodeArgumentInvalid   = 47003
)

// ErrMsg is the errmsg WeChat sends with code (without the rid suffix).
func ErrMsg(code int) string {
	switch code {
	case CodeSystemBusy:
		return "system error"
	case CodeInvalidCredential:
		return "invalid credential, access_token is invalid or not latest"
	case CodeInvalidGrantType:
		return "invalid grant_type"
	case CodeInvalidOpenID:
		return "invalid openid"
	case CodeInvalidAppID:
		return "invalid appid"
	case CodeInvalidToken:
		return "invalid access_token"
	case CodeButtonSize:
		return "invalid button size"
	case CodeButtonType:
		return "invalid button type"
	case CodeButtonNameSize:
		return "invalid button name size"
	case CodeButtonKeySize:
		return "invalid button key size"
	case CodeButtonURLSize:
		return "invalid button url size"
	case CodeSubButtonSize:
		return "invalid sub button size"
	case CodeInvalidCode:
		return "invalid code"
	case CodeInvalidTemplateID:
		return "invalid template_id"
	case CodeInvalidSecret:
		return "invalid appsecret"
	case CodeCodeUsed:
		return "code been used"
	case CodeInvalidPagePath:
		return "invalid weapp pagepath"
	case CodeTokenMissing:
		return "access_token missing"
	case CodeAppIDMissing:
		return "appid missing"
	case CodeSecretMissing:
		return "appsecret missing"
	case CodeCodeMissing:
		return "missing code"
	case CodeTokenExpired:
		return "access_token expired"
	case CodeRequirePOST:
		return "require POST method"
	case CodeRequireSubscribe:
		return "require subscribe"
	case CodeUserRefused:
		return "user refuse to accept the msg"
	case CodeEmptyPostData:
		return "empty post data"
	case CodeDailyQuota:
		return "reach max api daily quota limit"
	case CodeMinuteQuota:
		return "api minute-quota reach limit  mustslower  retry next minute"
	case CodeMenuNotExist:
		return "menu no exist"
	case CodeDataFormat:
		return "data format error"
	case CodeArgumentInvalid:
		return "argument invalid!"
	}
	return "unknown error"
}

// writeJSON answers like WeChat: status 200 and its odd content type.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// writeErr answers an error the way WeChat does, rid included, so that
// callers cannot depend on errmsg being exactly the table's text.
func writeErr(w http.ResponseWriter, code int, msg string) {
	if msg == "" {
		msg = ErrMsg(code)
	}
	writeJSON(w, map[string]any{"errcode": code, "errmsg": msg + ", rid: " + rid()})
}

// writeOK is the success body of calls that return nothing else.
func writeOK(w http.ResponseWriter, extra map[string]any) {
	body := map[string]any{"errcode": 0, "errmsg": "ok"}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, body)
}

func rid() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b[:4]) + "-" + hex.EncodeToString(b[4:])
}
