package optim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Schedule gives the learning rate for each epoch (counted from 0) of a run
// of Epochs epochs, starting from base.
type Schedule struct {
	Kind  string  `json:"kind"`            // "constant" (default), "step", "cosine"
	Every int     `json:"every,omitempty"` // step: epochs between decays
	Gamma float64 `json:"gamma,omitempty"` // step: factor per decay
	Min   float64 `json:"min,omitempty"`   // cosine: final learning rate
}

// ParseSchedule reads "constant", "step:EVERY:GAMMA" (e.g. step:10:0.5) or
// "cosine[:MIN]".
func ParseSchedule(spec string) (Schedule, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(spec)), ":")
	bad := func(why string) (Schedule, error) {
		return Schedule{}, fmt.Errorf("schedule %q: %s", spec, why)
	}
	switch parts[0] {
	case "", "constant":
		if len(parts) > 1 {
			return bad("constant takes no arguments")
		}
		return Schedule{Kind: "constant"}, nil
	case "step":
		if len(parts) != 3 {
			return bad("want step:EVERY:GAMMA")
		}
		every, err := strconv.Atoi(parts[1])
		if err != nil || every < 1 {
			return bad("EVERY must be a positive integer")
		}
		gamma, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || !(gamma > 0 && gamma <= 1) {
			return bad("GAMMA must be in (0, 1]")
		}
		return Schedule{Kind: "step", Every: every, Gamma: gamma}, nil
	case "cosine":
		s := Schedule{Kind: "cosine"}
		if len(parts) > 2 {
			return bad("want cosine or cosine:MIN")
		}
		if len(parts) == 2 {
			m, err := strconv.ParseFloat(parts[1], 64)
			if err != nil || !(m >= 0) || math.IsInf(m, 0) {
				return bad("MIN must be a non-negative number")
			}
			s.Min = m
		}
		return s, nil
	}
	return bad("unknown kind (want constant, step or cosine)")
}

// Validate reports a schedule that cannot run (as one decoded from JSON
// might be): an unknown kind, a step schedule without a positive period or
// a factor in (0, 1], a negative or non-finite cosine minimum.
func (s Schedule) Validate() error {
	switch s.Kind {
	case "", "constant":
	case "step":
		if s.Every < 1 || !(s.Gamma > 0 && s.Gamma <= 1) {
			return fmt.Errorf("schedule %s: want every >= 1 and gamma in (0, 1]", s)
		}
	case "cosine":
		if !(s.Min >= 0) || math.IsInf(s.Min, 0) {
			return fmt.Errorf("schedule %s: min must be a non-negative number", s)
		}
	default:
		return fmt.Errorf("unknown schedule kind %q (want constant, step or cosine)", s.Kind)
	}
	return nil
}

// String formats the schedule as ParseSchedule reads it.
func (s Schedule) String() string {
	switch s.Kind {
	case "step":
		return fmt.Sprintf("step:%d:%g", s.Every, s.Gamma)
	case "cosine":
		if s.Min != 0 {
			return fmt.Sprintf("cosine:%g", s.Min)
		}
		return "cosine"
	}
	return "constant"
}

// LR returns the learning rate for epoch (0-based) of epochs: base·γ^⌊e/every⌋
// for step (torch's StepLR), and Min + (base−Min)(1+cos(πe/epochs))/2 for
// cosine (torch's CosineAnnealingLR with T_max = epochs).
func (s Schedule) LR(base float64, epoch, epochs int) float64 {
	switch s.Kind {
	case "step":
		return base * math.Pow(s.Gamma, float64(epoch/s.Every))
	case "cosine":
		if epochs <= 0 {
			return base
		}
		return s.Min + (base-s.Min)*(1+math.Cos(math.Pi*float64(epoch)/float64(epochs)))/2
	}
	return base
}
