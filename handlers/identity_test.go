package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

const testVillage = "419901100201"

// miniappSignIn signs a person in through wxmock as the mini-program does.
func (h *harness) miniappSignIn(code string) auth.SignedIn {
	h.t.Helper()
	w := h.do("POST", "/api/v1/auth/miniapp", map[string]string{"code": code}, "")
	if w.Code != 200 {
		h.t.Fatalf("miniapp sign-in with %q: %d %s", code, w.Code, w.Body)
	}
	return decode[auth.SignedIn](h.t, w)
}

func TestMiniappSignIn(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		first := h.miniappSignIn("alice_1")
		if first.User.Role != auth.RoleGuest || first.Token == "" {
			t.Fatalf("first sign-in: %+v", first)
		}
		wantError(t, h.do("POST", "/api/v1/auth/miniapp", map[string]string{"code": "alice_1"}, ""), 400, "invalid_code")
		again := h.miniappSignIn("alice_2")
		if again.User.UserID != first.User.UserID {
			t.Fatalf("the same person signed in twice got two users: %d, %d", first.User.UserID, again.User.UserID)
		}
		var u model.User
		db.Take(&u, first.User.UserID)
		if u.MiniappOpenid == nil || *u.MiniappOpenid != wxmock.OpenID(wxmock.MiniAppID, "alice") || u.Unionid == nil {
			t.Fatalf("stored user: %+v", u)
		}
		h.mock.BadCode("mallory_1")
		wantError(t, h.do("POST", "/api/v1/auth/miniapp", map[string]string{"code": "mallory_1"}, ""), 400, "invalid_code")
		wantError(t, h.do("POST", "/api/v1/auth/miniapp", map[string]string{"code": ""}, ""), 400, "code_required")
		wantError(t, h.do("POST", "/api/v1/auth/miniapp", map[string]string{"code": "a b"}, ""), 400, "invalid_code")

		h.mock.SetFault(wxmock.PathCode2Session, wxmock.Fault{ErrCode: -1, ErrMsg: "system error"})
		w := h.do("POST", "/api/v1/auth/miniapp", map[string]string{"code": "bob_1"}, "")
		wantError(t, w, 503, "wechat_unavailable")
		if w.Header().Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		if strings.Contains(w.Body.String(), "session_key") {
			t.Error("a response mentions the session key")
		}
	})
}

// idEndingInX returns a valid fake ID number whose check character is X.
func idEndingInX(t *testing.T) string {
	for seq := 0; seq < 1000; seq++ {
		first17 := "41990119800101" + strconv.Itoa(100 + seq)[0:3]
		if pii.IDCheckDigit(first17) == 'X' {
			return first17 + "X"
		}
	}
	t.Fatal("no ID ending in X")
	return ""
}

func TestBindHousehold(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		// More than the default 5 wrong attempts are made on purpose below.
		h := newHarness(t, db, func(c *config.Config) { c.BindLimit = 20 })
		h.fx.Region(testVillage, "测试村")
		hh, head := h.fx.Household(testVillage)
		id := idEndingInX(t)
		son := h.fx.Member(hh, "测试儿子", "之子", id)

		guest := h.miniappSignIn("son_1")
		bad := []struct {
			name, idCard, code string
		}{
			{"测试儿子", "41990119800101123", "invalid_id_card"}, // 17 characters
			{"测试儿子", id[:17] + "1", "invalid_id_card"},       // wrong check digit
			{"测试女儿", id, "bind_mismatch"},                    // wrong name
			{"测试儿子", h.fx.IDCard(1990), "bind_mismatch"},     // a valid number we do not have
			{"", id, "name_required"},                        // no name
		}
		var mismatchMessages []string
		for _, b := range bad {
			w := h.do("POST", "/api/v1/auth/bind", map[string]string{"name": b.name, "id_card": b.idCard}, guest.Token)
			wantError(t, w, 400, b.code)
			if b.code == "bind_mismatch" {
				mismatchMessages = append(mismatchMessages, decode[errorBody](t, w).Error.Message)
			}
		}
		if mismatchMessages[0] != mismatchMessages[1] {
			t.Fatalf("a wrong name and an unknown number answer differently: %q vs %q", mismatchMessages[0], mismatchMessages[1])
		}

		// The right name with a lower-case x and stray spaces binds.
		w := h.do("POST", "/api/v1/auth/bind", map[string]string{"name": " 测试 儿子 ", "id_card": strings.ToLower(id)}, guest.Token)
		if w.Code != 200 {
			t.Fatalf("bind: %d %s", w.Code, w.Body)
		}
		bound := decode[auth.SignedIn](t, w)
		if bound.User.Role != auth.RoleHousehold || bound.User.HouseholdID != hh.ID || bound.User.MemberID != son.ID {
			t.Fatalf("bound principal: %+v", bound.User)
		}
		me := decode[auth.Me](t, h.do("GET", "/api/v1/me", nil, guest.Token)) // the same token, reloaded at once
		if me.Household == nil || me.Household.ID != hh.ID || me.Household.IDCard != pii.MaskIDCard(id) {
			t.Fatalf("me after binding: %+v", me.Household)
		}
		wantError(t, h.do("POST", "/api/v1/auth/bind", map[string]string{"name": "测试儿子", "id_card": id}, guest.Token), 409, "already_bound")

		// Another WeChat user cannot take the same member, but can bind another member of the household.
		other := h.miniappSignIn("father_1")
		wantError(t, h.do("POST", "/api/v1/auth/bind", map[string]string{"name": "测试儿子", "id_card": id}, other.Token), 409, "member_already_bound")
		var headID string
		headID, _ = head.IDCard.Open(h.fx.Cipher, pii.PurposeIDCard)
		if w := h.do("POST", "/api/v1/auth/bind", map[string]string{"name": head.Name, "id_card": headID}, other.Token); w.Code != 200 {
			t.Fatalf("second member of the household: %d %s", w.Code, w.Body)
		}
		var entries int64
		db.Model(&model.AuditEntry{}).Where("action = ? AND region_code = ?", "binding.create", testVillage).Count(&entries)
		if entries != 2 {
			t.Fatalf("%d binding audit entries, want 2", entries)
		}
	})
}

func TestBindBruteForce(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		h.fx.Region(testVillage, "测试村")
		_, head := h.fx.Household(testVillage)
		headID, _ := head.IDCard.Open(h.fx.Cipher, pii.PurposeIDCard)
		guest := h.miniappSignIn("guesser_1")
		for i := 1; i <= 5; i++ {
			wantError(t, h.do("POST", "/api/v1/auth/bind", map[string]string{"name": "猜一猜", "id_card": h.fx.IDCard(1960 + i)}, guest.Token), 400, "bind_mismatch")
		}
		w := h.do("POST", "/api/v1/auth/bind", map[string]string{"name": head.Name, "id_card": headID}, guest.Token)
		wantError(t, w, 429, "too_many_attempts")
		if ra, _ := strconv.Atoi(w.Header().Get("Retry-After")); ra < 60 {
			t.Fatalf("Retry-After %q", w.Header().Get("Retry-After"))
		}
		var lockouts int64
		db.Model(&model.AuditEntry{}).Where("action = ?", "binding.lockout").Count(&lockouts)
		if lockouts != 1 {
			t.Fatalf("%d lockout audit entries, want 1", lockouts)
		}
		// The same IP with another WeChat user is limited too.
		second := h.miniappSignIn("guesser2_1")
		wantError(t, h.do("POST", "/api/v1/auth/bind", map[string]string{"name": head.Name, "id_card": headID}, second.Token), 429, "too_many_attempts")
	})
}

func TestCadreInvite(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		h.fx.Region(testVillage, "测试村")
		cadre := h.fx.Cadre(testVillage)
		farCadre := h.fx.Cadre("419901200201")
		official := h.signInAdmin(h.fx.Admin("419901100"))

		wantError(t, h.do("POST", "/admin/api/cadres/"+strconv.FormatInt(farCadre.ID, 10)+"/invites", nil, official), 404, "not_found")
		w := h.do("POST", "/admin/api/cadres/"+strconv.FormatInt(cadre.ID, 10)+"/invites", nil, official)
		if w.Code != 201 {
			t.Fatalf("issue: %d %s", w.Code, w.Body)
		}
		inv := decode[auth.Invite](t, w)
		var stored model.InviteCode
		db.Where("cadre_id = ?", cadre.ID).Take(&stored)
		if strings.Contains(stored.CodeIndex, strings.ReplaceAll(inv.Code, "-", "")) {
			t.Fatal("the invite code is stored in clear")
		}

		user := h.miniappSignIn("cadre_1")
		typed := strings.ToLower(strings.ReplaceAll(inv.Code, "-", " "))
		w = h.do("POST", "/api/v1/auth/bind-cadre", map[string]string{"invite_code": typed}, user.Token)
		if w.Code != 200 {
			t.Fatalf("bind-cadre: %d %s", w.Code, w.Body)
		}
		if got := decode[auth.SignedIn](t, w).User; got.Role != auth.RoleCadre || got.CadreID != cadre.ID {
			t.Fatalf("cadre principal: %+v", got)
		}
		second := h.miniappSignIn("impostor_1")
		wantError(t, h.do("POST", "/api/v1/auth/bind-cadre", map[string]string{"invite_code": inv.Code}, second.Token), 400, "invalid_invite_code")
		w = h.do("POST", "/admin/api/cadres/"+strconv.FormatInt(cadre.ID, 10)+"/invites", nil, official)
		again := decode[auth.Invite](t, w)
		wantError(t, h.do("POST", "/api/v1/auth/bind-cadre", map[string]string{"invite_code": again.Code}, second.Token), 409, "cadre_already_bound")

		// An expired code is refused.
		c3 := h.fx.Cadre(testVillage)
		w = h.do("POST", "/admin/api/cadres/"+strconv.FormatInt(c3.ID, 10)+"/invites", nil, official)
		expired := decode[auth.Invite](t, w)
		db.Model(&model.InviteCode{}).Where("cadre_id = ?", c3.ID).Update("expires_at", time.Now().UTC().Add(-time.Minute))
		wantError(t, h.do("POST", "/api/v1/auth/bind-cadre", map[string]string{"invite_code": expired.Code}, second.Token), 400, "invalid_invite_code")
	})
}

func TestConsoleSession(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		h.fx.Region(testVillage, "测试村")
		cadre := h.fx.Cadre(testVillage)
		if _, err := h.auth.CreateAdmin(t.Context(), auth.SystemPrincipal(), auth.AdminSpec{
			Username: "town.official", Password: "a-long-password", RegionScope: "419901100", DisplayName: "镇干部"}); err != nil {
			t.Fatal(err)
		}
		wantError(t, h.do("POST", "/admin/api/login", map[string]string{"username": "town.official", "password": "wrong-password"}, ""), 401, "bad_credentials")
		wantError(t, h.do("POST", "/admin/api/login", map[string]string{"username": "nobody", "password": "a-long-password"}, ""), 401, "bad_credentials")
		w := h.do("POST", "/admin/api/login", map[string]string{"username": "town.official", "password": "a-long-password"}, "")
		if w.Code != 200 {
			t.Fatalf("login: %d %s", w.Code, w.Body)
		}
		cookie := w.Result().Cookies()[0]
		if cookie.Name != sessionCookie || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/admin" {
			t.Fatalf("cookie: %+v", cookie)
		}
		csrf := decode[struct {
			CSRF string `json:"csrf_token"`
		}](t, w).CSRF
		jar := sessionCookie + "=" + cookie.Value
		if w := h.do("GET", "/admin/api/me", nil, "", "Cookie", jar); w.Code != 200 {
			t.Fatalf("me by cookie: %d", w.Code)
		}
		invites := "/admin/api/cadres/" + strconv.FormatInt(cadre.ID, 10) + "/invites"
		wantError(t, h.do("POST", invites, nil, "", "Cookie", jar), 403, "csrf_failed")
		wantError(t, h.do("POST", invites, nil, "", "Cookie", jar, "X-CSRF-Token", "forged"), 403, "csrf_failed")
		if w := h.do("POST", invites, nil, "", "Cookie", jar, "X-CSRF-Token", csrf); w.Code != 201 {
			t.Fatalf("with the CSRF token: %d %s", w.Code, w.Body)
		}
		// A household's token is not accepted as a console cookie.
		_, m := h.fx.Household(testVillage)
		wantError(t, h.do("GET", "/admin/api/me", nil, "", "Cookie", sessionCookie+"="+h.signInUser(h.fx.HouseholdUser(m))), 401, "invalid_token")

		if w := h.do("POST", "/admin/api/logout", nil, "", "Cookie", jar, "X-CSRF-Token", csrf); w.Code != 204 {
			t.Fatalf("logout: %d", w.Code)
		}
		wantError(t, h.do("GET", "/admin/api/me", nil, "", "Cookie", jar), 401, "invalid_token")

		for i := 0; i < h.cfg.AdminLoginLimit-2; i++ { // two failures above already
			h.do("POST", "/admin/api/login", map[string]string{"username": "town.official", "password": "guess-" + strconv.Itoa(i)}, "")
		}
		wantError(t, h.do("POST", "/admin/api/login", map[string]string{"username": "town.official", "password": "a-long-password"}, ""), 429, "too_many_attempts")
	})
}

func TestReleaseBindingAndAuditScope(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		h.fx.Region(testVillage, "测试村")
		_, m := h.fx.Household(testVillage)
		token := h.signInUser(h.fx.HouseholdUser(m))
		otherTown := h.signInAdmin(h.fx.Admin("419901200"))
		town := h.signInAdmin(h.fx.Admin("419901100"))
		release := "/admin/api/members/" + strconv.FormatInt(m.ID, 10) + "/release"
		wantError(t, h.do("POST", release, nil, otherTown), 404, "not_found")
		if w := h.do("POST", release, nil, town); w.Code != 204 {
			t.Fatalf("release: %d %s", w.Code, w.Body)
		}
		if me := decode[auth.Me](t, h.do("GET", "/api/v1/me", nil, token)); me.Role != auth.RoleGuest {
			t.Fatalf("after release the user is %s", me.Role)
		}
		list := func(token string) int {
			return len(decode[struct {
				Items []map[string]any `json:"items"`
			}](t, h.do("GET", "/admin/api/audit?action=binding.release", nil, token)).Items)
		}
		if list(town) != 1 || list(otherTown) != 0 {
			t.Fatalf("audit visible to town %d, to the other town %d", list(town), list(otherTown))
		}
		wantError(t, h.do("GET", "/admin/api/audit?limit=9999", nil, town), 400, "invalid_limit")
	})
}
