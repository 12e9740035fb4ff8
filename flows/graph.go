package flows

import "github.com/looplab/fsm"

// Mermaid returns the conversation as a Mermaid state diagram.
func Mermaid() (string, error) {
	return fsm.VisualizeWithType(whole(), fsm.MermaidStateDiagram)
}

// Dot returns the conversation as a Graphviz digraph.
func Dot() (string, error) {
	return fsm.VisualizeWithType(whole(), fsm.GRAPHVIZ)
}

// whole is a machine with every transition of the table, for drawing.
func whole() *fsm.FSM { return fsm.NewFSM(Welcome, Events, nil) }
