package fakewecom_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/salesbot-crm/salesbot/internal/fakewecom"
)

// The callbacks the fake builds open with the library's own primitives.
func TestCallbackEncryptionMatchesTheLibrary(t *testing.T) {
	f := fakewecom.New(t)
	full := 32 + (32-(20+len(f.CorpID))%32)%32 // a payload that fills whole blocks: pad byte 32
	for _, payload := range []string{f.Text("u1", "你好", 1), f.Click("u1", "/today"), "x", strings.Repeat("a", full)} {
		q, body := f.EncryptCallback(payload)
		var env struct{ ToUserName, AgentID, Encrypt string }
		if err := xml.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		if env.ToUserName != f.CorpID || env.AgentID != f.AgentID {
			t.Fatalf("envelope: %+v", env)
		}
		if sig := util.Signature(f.Token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt); sig != q.Get("msg_signature") {
			t.Fatalf("signature %s, library computes %s", q.Get("msg_signature"), sig)
		}
		_, plain, err := util.DecryptMsg(f.CorpID, env.Encrypt, f.EncodingAESKey)
		if err != nil || string(plain) != payload {
			t.Fatalf("library decrypts %q, %v", plain, err)
		}
	}
	q := f.VerifyQuery("echo")
	if _, plain, err := util.DecryptMsg(f.CorpID, q.Get("echostr"), f.EncodingAESKey); err != nil || string(plain) != "echo" {
		t.Fatalf("echostr: %q %v", plain, err)
	}
}

func get(t *testing.T, u string) map[string]any {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
	}
	if m == nil {
		m = map[string]any{}
	}
	m["status"] = float64(resp.StatusCode)
	return m
}

func TestTokensFaultsAndRecording(t *testing.T) {
	f := fakewecom.New(t)
	f.AddUser("u1", "张三")
	if r := get(t, f.URL+"/cgi-bin/gettoken?corpid="+f.CorpID+"&corpsecret=wrong"); r["errcode"] != float64(40001) {
		t.Fatalf("bad secret: %v", r)
	}
	tok := get(t, f.URL+"/cgi-bin/gettoken?corpid="+f.CorpID+"&corpsecret="+url.QueryEscape(f.Secret))["access_token"].(string)
	userGet := f.URL + "/cgi-bin/user/get?userid=u1&access_token=" + tok
	if r := get(t, userGet); r["name"] != "张三" {
		t.Fatalf("user/get: %v", r)
	}
	if r := get(t, f.URL+"/cgi-bin/user/get?userid=nobody&access_token="+tok); r["errcode"] != float64(60111) {
		t.Fatalf("unknown user: %v", r)
	}
	if r := get(t, f.URL+"/cgi-bin/user/get?userid=u1&access_token=forged"); r["errcode"] != float64(40014) {
		t.Fatalf("forged token: %v", r)
	}
	f.ExpireTokens()
	if r := get(t, userGet); r["errcode"] != float64(42001) {
		t.Fatalf("expired token: %v", r)
	}
	f.Fail("user/get", fakewecom.Fault{Status: 502}, fakewecom.Fault{ErrCode: 45009}, fakewecom.Fault{Delay: 50 * time.Millisecond, ErrCode: -1})
	start := time.Now()
	if r := get(t, userGet); r["status"] != float64(502) {
		t.Fatalf("fault 1: %v", r)
	}
	if r := get(t, userGet); r["errcode"] != float64(45009) {
		t.Fatalf("fault 2: %v", r)
	}
	if r := get(t, userGet); r["errcode"] != float64(-1) || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("fault 3: %v", r)
	}
	calls := f.Calls("user/get")
	if len(calls) != 7 || calls[3].ErrCode != 42001 || calls[4].Status != 502 || calls[0].Query.Get("userid") != "u1" {
		t.Fatalf("calls: %+v", calls)
	}
	if len(f.Calls("")) != 9 {
		t.Fatalf("%d calls in all", len(f.Calls("")))
	}
}
