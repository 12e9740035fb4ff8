package flows

import "github.com/looplab/fsm"

// Mermaid returns the conversation as a Mermaid state diagram.
func Mermaid() (string, error) {
	return fsm.VisualizeWithType(New(Welcome), fsm.MermaidStateDiagram)
}

// Dot returns the conversation as a Graphviz digraph.
func Dot() (string, error) {
	return fsm.VisualizeWithType(New(Welcome), fsm.GRAPHVIZ)
}
