package crm

// Stage is where a deal stands. The five open-to-won stages run in order;
// lost ends a deal from any stage.
type Stage string

// Deal stages.
const (
	StageInitial     Stage = "initial"     // 初次沟通
	StageNeeds       Stage = "needs"       // 了解需求
	StageProposal    Stage = "proposal"    // 方案制定
	StageNegotiation Stage = "negotiation" // 商务谈判
	StageContract    Stage = "contract"    // 合同签订 (won)
	StageLost        Stage = "lost"        // 输单
)

// Stages lists every stage in pipeline order, lost last.
var Stages = []Stage{StageInitial, StageNeeds, StageProposal, StageNegotiation, StageContract, StageLost}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return s.Index() >= 0 }

// Index is the position of s in Stages, -1 if unknown.
func (s Stage) Index() int {
	for i, x := range Stages {
		if x == s {
			return i
		}
	}
	return -1
}

// Closed reports whether a deal in s is finished (won or lost).
func (s Stage) Closed() bool { return s == StageContract || s == StageLost }

// Overdue reports whether an open deal's expected close date is before
// today: it should have closed by now.
func (d Deal) Overdue(today Date) bool {
	return !d.Stage.Closed() && d.CloseDate != "" && d.CloseDate < today
}

// DefaultWinPct is the win probability a stage suggests when the rep gives none.
func (s Stage) DefaultWinPct() int {
	switch s {
	case StageInitial:
		return 10
	case StageNeeds:
		return 30
	case StageProposal:
		return 50
	case StageNegotiation:
		return 80
	case StageContract:
		return 100
	}
	return 0
}

// CheckStageMove validates moving a deal from one stage to another: a closed
// deal cannot move, a deal does not move to the stage it is in, and a won
// deal's probability is 100 and a lost one's 0. Going back to an earlier open
// stage is allowed (a negotiation can fall back to a new proposal).
func CheckStageMove(from, to Stage, winPct int) error {
	if !to.Valid() {
		return Errorf(CodeInvalid, "stage.invalid")
	}
	if from != "" && from.Closed() {
		return Errorf(CodeInvalid, "stage.closed")
	}
	if winPct < 0 || winPct > 100 {
		return Errorf(CodeInvalid, "percent.invalid")
	}
	if to == StageContract && winPct != 100 {
		return Errorf(CodeInvalid, "stage.won_pct")
	}
	if to == StageLost && winPct != 0 {
		return Errorf(CodeInvalid, "stage.lost_pct")
	}
	return nil
}
