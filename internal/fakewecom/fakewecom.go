// Package fakewecom is a fake WeCom (企业微信) server API for tests: the real
// client library (github.com/silenceper/wechat/v2/work) talks to it over HTTP
// once its base URL is pointed here (bot/wecom's Config.APIBase).
//
// It speaks the wire format of the endpoints salesbot uses — gettoken,
// message/send, message/update_template_card, media/upload, appchat/send,
// user/get, the contacts API (department/list, user/list, user/simplelist,
// the cursor-paged user/list_id: contacts.go) and the group robot's
// webhook/send — checks access tokens like
// WeCom does (41001 missing, 40014 unknown, 42001 expired), records every
// call, and injects faults (an errcode, a 5xx status, a slow answer) on
// demand. It also builds callbacks encrypted and signed exactly as WeCom
// sends them to an application's callback URL, change_contact events
// included (ChangeContact, CreateUser, UpdateUser, DeleteUser, CreateParty,
// UpdateParty, DeleteParty).
//
//	fake := fakewecom.New(t)
//	fake.AddUser("zhangsan", "张三")
//	q, body := fake.EncryptCallback(fake.Text("zhangsan", "/start CODE", 1))
//	// POST body to <callback>?<q.Encode()>
//	msgs := fake.WaitMessages(t, "zhangsan", 1)
package fakewecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Call is one request the fake received.
type Call struct {
	Method  string
	Path    string // e.g. "/cgi-bin/message/send"
	Query   url.Values
	Body    []byte
	Status  int   // HTTP status answered
	ErrCode int64 // errcode answered (0: ok)
	At      time.Time
}

// Button is a button of a template card.
type Button struct {
	Text string
	Key  string
}

// Message is a message the fake delivered (only successful sends).
type Message struct {
	API     string // "message" (app message to members), "appchat", "robot"
	To      string // the member UserID, the app chat id, or the robot key
	Type    string // text, markdown, image, template_card, …
	Text    string // text/markdown content, or a card's title and sub-title
	MediaID string // image messages sent by the app
	Image   []byte // image content (uploaded media, or a robot's base64 image)
	File    []byte // a file message's uploaded content
	TaskID  string // template cards
	Buttons []Button
	Raw     map[string]any
	At      time.Time
}

// Fault is what to answer instead of the normal response.
type Fault struct {
	Status  int           // an HTTP status other than 200 (e.g. 502)
	ErrCode int64         // a WeCom errcode (e.g. 42001, 45009, -1)
	ErrMsg  string        // its errmsg
	Delay   time.Duration // answer this late (the request's context ends it)
}

// Fake is the fake server.
type Fake struct {
	URL            string
	CorpID         string
	AgentID        string
	Secret         string
	Token          string // callback token
	EncodingAESKey string // 43 characters
	RobotKey       string
	// Now is the clock callbacks are signed with (their timestamp query
	// parameter); nil is time.Now. Set it to the clock of the channel under
	// test, which refuses callbacks signed too far from its now.
	Now func() time.Time

	srv *httptest.Server

	mu       sync.Mutex
	calls    []Call
	messages []Message
	tokens   map[string]bool // token → valid
	ntoken   int
	users    map[string]string // userid → name
	chats    map[string]bool
	media    map[string][]byte
	faults   map[string][]Fault
	clock    int64

	depts   map[int64]Department // the contacts directory
	members map[string]Member
	denied  map[int64]bool // departments the app may not read (60011)
	visible []int64        // the app's visible range (可见范围); none: everything
	// UserListClosed makes user/list answer 48002 (api forbidden), as it
	// does for apps that must use user/list_id.
	UserListClosed bool
	// DepartmentListClosed makes department/list answer 48002, as it does
	// for apps that must use department/simplelist and department/get.
	DepartmentListClosed bool
}

// New starts a fake WeCom API with fresh random credentials; it stops when
// the test ends.
func New(t testing.TB) *Fake {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	f := &Fake{
		CorpID:         "ww" + randHex(8),
		AgentID:        "1000002",
		Secret:         "secret-" + randHex(16),
		Token:          "cbtoken" + randHex(6),
		EncodingAESKey: strings.TrimSuffix(base64.StdEncoding.EncodeToString(key), "="),
		RobotKey:       "robot-" + randHex(12),
		tokens:         map[string]bool{},
		users:          map[string]string{},
		chats:          map[string]bool{},
		media:          map[string][]byte{},
		faults:         map[string][]Fault{},
		depts:          map[int64]Department{},
		members:        map[string]Member{},
		denied:         map[int64]bool{},
		clock:          time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).Unix(),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	t.Cleanup(f.srv.Close)
	return f
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// AddUser adds a member of the corp (user/get answers with the name).
func (f *Fake) AddUser(userID, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[userID] = name
}

// RemoveUser makes a member leave: user/get answers 60111, messages to
// them 81013 with invaliduser set.
func (f *Fake) RemoveUser(userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.users, userID)
}

// AddChat creates an app group chat (appchat/send to others answers 86003).
func (f *Fake) AddChat(chatID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chats[chatID] = true
}

// ExpireTokens makes every access token issued so far expired (42001); the
// next gettoken issues a fresh one.
func (f *Fake) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.tokens {
		f.tokens[k] = false
	}
}

// Tokens returns the access tokens issued so far.
func (f *Fake) Tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k := range f.tokens {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Fail makes the next requests to path answer with the faults, one each,
// in order. path is like "message/send" or "/cgi-bin/message/send".
func (f *Fake) Fail(path string, faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := normPath(path)
	f.faults[p] = append(f.faults[p], faults...)
}

func normPath(p string) string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimPrefix(p, "cgi-bin/")
	return "/cgi-bin/" + p
}

// Calls returns the requests made to path ("" for all), oldest first.
func (f *Fake) Calls(path string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if path == "" || c.Path == normPath(path) {
			out = append(out, c)
		}
	}
	return out
}

// Messages returns the messages delivered to to ("" for all): a member's
// UserID, an app chat id, or the robot key.
func (f *Fake) Messages(to string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Message
	for _, m := range f.messages {
		if to == "" || m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// Media returns an uploaded temporary media file.
func (f *Fake) Media(id string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.media[id]
}

// WaitMessages waits (polling, up to 10 s) until at least n messages were
// delivered to to, and returns them all.
func (f *Fake) WaitMessages(t testing.TB, to string, n int) []Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms := f.Messages(to)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			var texts []string
			for _, m := range ms {
				texts = append(texts, m.Type+": "+m.Text)
			}
			t.Fatalf("fakewecom: %d messages to %q after 10s, want %d: %q", len(ms), to, n, texts)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body, At: time.Now()}
	status, resp := f.answer(r, &call)
	call.Status = status
	if v, ok := resp["errcode"]; ok {
		call.ErrCode, _ = v.(int64)
	}
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	if raw, ok := resp["_raw"].([]byte); ok && status == http.StatusOK { // media/get: the file itself
		w.Header().Set("Content-Type", resp["_type"].(string))
		w.Header().Set("Content-Disposition", `attachment; filename="`+resp["_name"].(string)+`"`)
		w.Write(raw)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusOK {
		json.NewEncoder(w).Encode(resp)
	} else {
		fmt.Fprintf(w, "fakewecom: status %d", status)
	}
}

func errResp(code int64, msg string) map[string]any {
	return map[string]any{"errcode": code, "errmsg": msg}
}

func (f *Fake) answer(r *http.Request, call *Call) (int, map[string]any) {
	f.mu.Lock()
	var fault *Fault
	if q := f.faults[r.URL.Path]; len(q) > 0 {
		fault = &q[0]
		f.faults[r.URL.Path] = q[1:]
	}
	f.mu.Unlock()
	if fault != nil {
		if fault.Delay > 0 {
			select {
			case <-time.After(fault.Delay):
			case <-r.Context().Done():
				return http.StatusServiceUnavailable, nil
			}
		}
		if fault.Status != 0 && fault.Status != http.StatusOK {
			return fault.Status, nil
		}
		if fault.ErrCode != 0 {
			msg := fault.ErrMsg
			if msg == "" {
				msg = "injected fault"
			}
			return http.StatusOK, errResp(fault.ErrCode, msg)
		}
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		return f.gettoken(q)
	case "/cgi-bin/webhook/send":
		return f.robot(q, call.Body)
	}
	if code, msg := f.checkToken(q.Get("access_token")); code != 0 {
		return http.StatusOK, errResp(code, msg)
	}
	switch r.URL.Path {
	case "/cgi-bin/message/send":
		return f.send("message", call.Body)
	case "/cgi-bin/appchat/send":
		return f.send("appchat", call.Body)
	case "/cgi-bin/message/update_template_card":
		return http.StatusOK, errResp(0, "ok")
	case "/cgi-bin/media/upload":
		return f.upload(r, call.Body)
	case "/cgi-bin/media/get":
		f.mu.Lock()
		data, ok := f.media[q.Get("media_id")]
		f.mu.Unlock()
		if !ok {
			return http.StatusOK, errResp(40007, "invalid media_id")
		}
		return http.StatusOK, map[string]any{"_raw": data, "_type": http.DetectContentType(data), "_name": q.Get("media_id")}
	case "/cgi-bin/user/get":
		f.mu.Lock()
		name, ok := f.users[q.Get("userid")]
		m, isMember := f.members[q.Get("userid")]
		f.mu.Unlock()
		if isMember {
			return http.StatusOK, f.memberJSON(m)
		}
		if !ok {
			return http.StatusOK, errResp(60111, "userid not found")
		}
		return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "userid": q.Get("userid"), "name": name, "status": 1}
	case "/cgi-bin/department/list":
		if f.DepartmentListClosed {
			return http.StatusOK, errResp(48002, "api forbidden")
		}
		return f.departmentList(q)
	case "/cgi-bin/department/simplelist":
		return f.departmentSimpleList(q)
	case "/cgi-bin/department/get":
		return f.departmentGet(q)
	case "/cgi-bin/user/list":
		return f.userList(q, true)
	case "/cgi-bin/user/simplelist":
		return f.userList(q, false)
	case "/cgi-bin/user/list_id":
		return f.userListID(call.Body)
	}
	return http.StatusNotFound, nil
}

func (f *Fake) gettoken(q url.Values) (int, map[string]any) {
	if q.Get("corpid") != f.CorpID {
		return http.StatusOK, errResp(40013, "invalid corpid")
	}
	if q.Get("corpsecret") != f.Secret {
		return http.StatusOK, errResp(40001, "invalid credential")
	}
	f.mu.Lock()
	f.ntoken++
	tok := fmt.Sprintf("tok%d-%s", f.ntoken, randHex(8))
	f.tokens[tok] = true
	f.mu.Unlock()
	return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "access_token": tok, "expires_in": 7200}
}

func (f *Fake) checkToken(tok string) (int64, string) {
	if tok == "" {
		return 41001, "access_token missing"
	}
	f.mu.Lock()
	valid, ok := f.tokens[tok]
	f.mu.Unlock()
	switch {
	case !ok:
		return 40014, "invalid access_token"
	case !valid:
		return 42001, "access_token expired"
	}
	return 0, ""
}

func (f *Fake) send(api string, body []byte) (int, map[string]any) {
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return http.StatusOK, errResp(47001, "data format error")
	}
	m := Message{API: api, Raw: raw, At: time.Now()}
	m.Type, _ = raw["msgtype"].(string)
	if api == "message" {
		m.To, _ = raw["touser"].(string)
		if fmt.Sprint(raw["agentid"]) != f.AgentID {
			return http.StatusOK, errResp(40056, "invalid agentid")
		}
		f.mu.Lock()
		_, ok := f.users[m.To]
		f.mu.Unlock()
		if !ok || strings.Contains(m.To, "|") {
			return http.StatusOK, map[string]any{"errcode": int64(81013), "errmsg": "user & party & tag all invalid", "invaliduser": m.To}
		}
	} else {
		m.To, _ = raw["chatid"].(string)
		f.mu.Lock()
		ok := f.chats[m.To]
		f.mu.Unlock()
		if !ok {
			return http.StatusOK, errResp(86003, "chatid not found")
		}
	}
	if code, msg := f.decode(&m); code != 0 {
		return http.StatusOK, errResp(code, msg)
	}
	f.mu.Lock()
	f.messages = append(f.messages, m)
	f.mu.Unlock()
	resp := errResp(0, "ok")
	resp["msgid"] = "msg" + randHex(6)
	if m.Type == "template_card" {
		resp["response_code"] = "rc" + randHex(6)
	}
	return http.StatusOK, resp
}

// decode reads the content of a message and checks WeCom's limits.
func (f *Fake) decode(m *Message) (int64, string) {
	obj, _ := m.Raw[m.Type].(map[string]any)
	if obj == nil {
		return 40008, "invalid message type"
	}
	switch m.Type {
	case "text", "markdown":
		m.Text, _ = obj["content"].(string)
		limit := 2048
		if m.API == "robot" && m.Type == "markdown" {
			limit = 4096
		}
		if m.Text == "" {
			return 44004, "empty content"
		}
		if len(m.Text) > limit {
			return 45002, "content size out of limit"
		}
	case "image":
		if m.API == "robot" {
			b, err := base64.StdEncoding.DecodeString(fmt.Sprint(obj["base64"]))
			sum := md5.Sum(b)
			if err != nil || hex.EncodeToString(sum[:]) != fmt.Sprint(obj["md5"]) {
				return 40009, "invalid image"
			}
			m.Image = b
			return 0, ""
		}
		m.MediaID, _ = obj["media_id"].(string)
		f.mu.Lock()
		img, ok := f.media[m.MediaID]
		f.mu.Unlock()
		if !ok {
			return 40007, "invalid media_id"
		}
		m.Image = img
	case "file":
		m.MediaID, _ = obj["media_id"].(string)
		f.mu.Lock()
		data, ok := f.media[m.MediaID]
		f.mu.Unlock()
		if !ok {
			return 40007, "invalid media_id"
		}
		m.File = data
	case "template_card":
		if obj["card_type"] != "button_interaction" {
			return 40008, "unsupported card_type"
		}
		m.TaskID, _ = obj["task_id"].(string)
		if m.TaskID == "" || len(m.TaskID) > 128 {
			return 40058, "invalid task_id"
		}
		if mt, ok := obj["main_title"].(map[string]any); ok {
			m.Text, _ = mt["title"].(string)
		}
		if st, _ := obj["sub_title_text"].(string); st != "" {
			if m.Text != "" {
				m.Text += "\n"
			}
			m.Text += st
		}
		if m.Text == "" {
			return 40058, "main_title.title or sub_title_text required"
		}
		list, _ := obj["button_list"].([]any)
		if len(list) == 0 || len(list) > 6 {
			return 40058, "button_list must have 1 to 6 buttons"
		}
		seen := map[string]bool{}
		for _, b := range list {
			bm, _ := b.(map[string]any)
			btn := Button{Text: fmt.Sprint(bm["text"]), Key: fmt.Sprint(bm["key"])}
			if btn.Key == "" || len(btn.Key) > 1024 || seen[btn.Key] {
				return 40058, "invalid button key"
			}
			seen[btn.Key] = true
			m.Buttons = append(m.Buttons, btn)
		}
	default:
		b, _ := json.Marshal(obj)
		m.Text = string(b)
	}
	return 0, ""
}

func (f *Fake) robot(q url.Values, body []byte) (int, map[string]any) {
	if q.Get("key") != f.RobotKey {
		return http.StatusOK, errResp(93000, "invalid webhook url")
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return http.StatusOK, errResp(40035, "invalid json")
	}
	m := Message{API: "robot", To: q.Get("key"), Raw: raw, At: time.Now()}
	m.Type, _ = raw["msgtype"].(string)
	if code, msg := f.decode(&m); code != 0 {
		return http.StatusOK, errResp(code, msg)
	}
	f.mu.Lock()
	f.messages = append(f.messages, m)
	f.mu.Unlock()
	return http.StatusOK, errResp(0, "ok")
}

func (f *Fake) upload(r *http.Request, body []byte) (int, map[string]any) {
	typ := r.URL.Query().Get("type")
	if typ != "image" && typ != "file" && typ != "voice" && typ != "video" {
		return http.StatusOK, errResp(40004, "invalid media type")
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return http.StatusOK, errResp(40005, "invalid multipart")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return http.StatusOK, errResp(41005, "media data missing")
		}
		if p.FormName() != "media" {
			continue
		}
		data, _ := io.ReadAll(p)
		if len(data) == 0 {
			return http.StatusOK, errResp(41005, "media data missing")
		}
		if typ == "image" && !bytes.HasPrefix(data, []byte("\x89PNG")) && !bytes.HasPrefix(data, []byte("\xff\xd8")) {
			return http.StatusOK, errResp(40005, "invalid image file type")
		}
		f.mu.Lock()
		id := fmt.Sprintf("media%d-%s", len(f.media)+1, randHex(4))
		f.media[id] = data
		f.mu.Unlock()
		return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "type": typ, "media_id": id,
			"created_at": strconv.FormatInt(time.Now().Unix(), 10)}
	}
}

// --- callbacks -----------------------------------------------------------

// Sign computes msg_signature = sha1 of the sorted, concatenated token,
// timestamp, nonce and encrypted message.
func (f *Fake) Sign(timestamp, nonce, encrypt string) string {
	s := []string{f.Token, timestamp, nonce, encrypt}
	sort.Strings(s)
	h := sha1.Sum([]byte(strings.Join(s, "")))
	return hex.EncodeToString(h[:])
}

// Encrypt encrypts a callback payload as WeCom does: AES-256-CBC with key
// base64(EncodingAESKey+"="), IV the key's first 16 bytes, plaintext 16
// random bytes + 4-byte big-endian length + payload + corp id, PKCS#7
// padded to a 32-byte block; base64 encoded.
func (f *Fake) Encrypt(payload []byte) string {
	return EncryptFor(f.EncodingAESKey, f.CorpID, payload)
}

// EncryptFor encrypts a payload for any EncodingAESKey and corp id.
func EncryptFor(encodingAESKey, corpID string, payload []byte) string {
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		panic("fakewecom: bad EncodingAESKey")
	}
	plain := make([]byte, 20, 20+len(payload)+len(corpID)+32)
	rand.Read(plain[:16])
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(payload)))
	plain = append(plain, payload...)
	plain = append(plain, corpID...)
	pad := 32 - len(plain)%32 // 1..32: a full block of 32 when aligned
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

func (f *Fake) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// EncryptCallback returns the query (msg_signature, timestamp, nonce) and
// the body of a POST to the callback URL carrying the payload, exactly as
// WeCom sends it, signed at f.Now. Each call encrypts afresh (new random
// bytes and nonce), like WeCom's retries.
func (f *Fake) EncryptCallback(payload string) (url.Values, []byte) {
	return f.EncryptCallbackAt(payload, f.now())
}

// EncryptCallbackAt is EncryptCallback signed with the timestamp at.
func (f *Fake) EncryptCallbackAt(payload string, at time.Time) (url.Values, []byte) {
	enc := f.Encrypt([]byte(payload))
	ts := strconv.FormatInt(at.Unix(), 10)
	nonce := randHex(5)
	q := url.Values{"msg_signature": {f.Sign(ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><AgentID><![CDATA[%s]]></AgentID><Encrypt><![CDATA[%s]]></Encrypt></xml>",
		f.CorpID, f.AgentID, enc)
	return q, []byte(body)
}

// VerifyQuery returns the query of the GET WeCom sends to verify a callback
// URL, signed at f.Now: the encrypted echostr must be answered with echo.
func (f *Fake) VerifyQuery(echo string) url.Values {
	return f.VerifyQueryAt(echo, f.now())
}

// VerifyQueryAt is VerifyQuery signed with the timestamp at.
func (f *Fake) VerifyQueryAt(echo string, at time.Time) url.Values {
	enc := f.Encrypt([]byte(echo))
	ts := strconv.FormatInt(at.Unix(), 10)
	nonce := randHex(5)
	return url.Values{"msg_signature": {f.Sign(ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {enc}}
}

// CallbackRequest builds the POST request for a callback payload to target
// (a URL, or a path for httptest.NewRecorder).
func (f *Fake) CallbackRequest(target, payload string) *http.Request {
	q, body := f.EncryptCallback(payload)
	req := httptest.NewRequest(http.MethodPost, target+"?"+q.Encode(), bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	return req
}

// Post sends a callback payload to a running callback URL and returns the
// HTTP status.
func (f *Fake) Post(t testing.TB, callbackURL, payload string) int {
	t.Helper()
	q, body := f.EncryptCallback(payload)
	resp, err := http.Post(callbackURL+"?"+q.Encode(), "text/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("fakewecom: post callback: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// next returns a fresh CreateTime (strictly increasing seconds).
func (f *Fake) next() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock++
	return f.clock
}

func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// Text is the decrypted XML of a text message from a member.
func (f *Fake) Text(from, content string, msgID int64) string {
	return fmt.Sprintf("<xml><ToUserName>%s</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[text]]></MsgType><Content>%s</Content><MsgId>%d</MsgId><AgentID>%s</AgentID></xml>",
		cdata(f.CorpID), cdata(from), f.next(), cdata(content), msgID, f.AgentID)
}

// Image, Voice, Video, Location and Link are the decrypted XML of those
// application messages from a member, in WeCom's shapes.
func (f *Fake) Image(from string, msgID int64) string {
	return f.ImageData(from, append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{7}, 500)...), msgID)
}

// ImageData is an image message whose media (served by media/get) is data.
func (f *Fake) ImageData(from string, data []byte, msgID int64) string {
	id := "m-img-" + randHex(4)
	f.mu.Lock()
	f.media[id] = data
	f.mu.Unlock()
	return f.message(from, "image", msgID, "<PicUrl>"+cdata("https://wework.qpic.cn/wwpic/1.jpg")+"</PicUrl><MediaId>"+cdata(id)+"</MediaId>")
}

// Voice is a voice message (AMR).
func (f *Fake) Voice(from string, msgID int64) string {
	id := "m-voice-" + randHex(4)
	f.mu.Lock()
	f.media[id] = append([]byte("#!AMR\n"), bytes.Repeat([]byte{0x3c}, 320)...) // an AMR-NB file: its magic and frames
	f.mu.Unlock()
	return f.message(from, "voice", msgID, "<MediaId>"+cdata(id)+"</MediaId><Format>"+cdata("amr")+"</Format>")
}

// Video is a video message.
func (f *Fake) Video(from string, msgID int64) string {
	return f.message(from, "video", msgID, "<MediaId>"+cdata("m-video-"+randHex(4))+"</MediaId><ThumbMediaId>"+cdata("m-thumb-"+randHex(4))+"</ThumbMediaId>")
}

// Location is a location message.
func (f *Fake) Location(from string, lat, lng float64, label string, msgID int64) string {
	return f.message(from, "location", msgID, fmt.Sprintf("<Location_X>%g</Location_X><Location_Y>%g</Location_Y><Scale>15</Scale><Label>%s</Label><AppType>%s</AppType>",
		lat, lng, cdata(label), cdata("wxwork")))
}

// Link is a shared link.
func (f *Fake) Link(from, title, url string, msgID int64) string {
	return f.message(from, "link", msgID, "<Title>"+cdata(title)+"</Title><Description>"+cdata("")+"</Description><Url>"+cdata(url)+"</Url><PicUrl>"+cdata("")+"</PicUrl>")
}

func (f *Fake) message(from, msgType string, msgID int64, body string) string {
	return fmt.Sprintf("<xml><ToUserName>%s</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime>"+
		"<MsgType>%s</MsgType>%s<MsgId>%d</MsgId><AgentID>%s</AgentID></xml>",
		cdata(f.CorpID), cdata(from), f.next(), cdata(msgType), body, msgID, f.AgentID)
}

// Event is the decrypted XML of an event without a MsgId (click,
// enter_agent, …) at createTime (0: a fresh time).
func (f *Fake) Event(from, event, key string, createTime int64) string {
	if createTime == 0 {
		createTime = f.next()
	}
	return fmt.Sprintf("<xml><ToUserName>%s</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[event]]></MsgType><Event>%s</Event><EventKey>%s</EventKey><AgentID>%s</AgentID></xml>",
		cdata(f.CorpID), cdata(from), createTime, cdata(event), cdata(key), f.AgentID)
}

// Click is a menu click event.
func (f *Fake) Click(from, key string) string { return f.Event(from, "click", key, 0) }

// EnterAgent is the event sent when a member opens the application.
func (f *Fake) EnterAgent(from string) string { return f.Event(from, "enter_agent", "", 0) }

// CardEvent is a template card button press: key is the button's key.
func (f *Fake) CardEvent(from, key, taskID string) string {
	return fmt.Sprintf("<xml><ToUserName>%s</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey>%s</EventKey>"+
		"<TaskId>%s</TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode>%s</ResponseCode>"+
		"<AgentID>%s</AgentID></xml>",
		cdata(f.CorpID), cdata(from), f.next(), cdata(key), cdata(taskID), cdata("rc"+randHex(6)), f.AgentID)
}

// Press presses the button labelled label (a substring) on the newest
// template card sent to user and returns the callback payload.
func (f *Fake) Press(t testing.TB, user, label string) string {
	t.Helper()
	ms := f.Messages(user)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Type != "template_card" {
			continue
		}
		var labels []string
		for _, b := range ms[i].Buttons {
			if strings.Contains(b.Text, label) {
				return f.CardEvent(user, b.Key, ms[i].TaskID)
			}
			labels = append(labels, b.Text)
		}
		t.Fatalf("fakewecom: the newest card to %s has no button %q (buttons %q)", user, label, labels)
	}
	t.Fatalf("fakewecom: no template card was sent to %s", user)
	return ""
}
