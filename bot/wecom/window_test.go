package wecom

import (
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
)

// The inbox keeps a callback's key for longer than any delivery of the
// callback can pass the window: signed at T, it is accepted from
// T-CallbackWindow (our clock behind WeCom's) to T+CallbackWindow, and
// WeCom's retries come within callbackRetryPeriod. Housekeeping purging a
// key sooner would let a replay in again.
func TestInboundKeysOutliveTheCallbackWindow(t *testing.T) {
	if need := 2*CallbackWindow + callbackRetryPeriod; crm.InboundRetention <= need {
		t.Fatalf("inbound keys are kept %s; a callback's key is needed for %s", crm.InboundRetention, need)
	}
}
