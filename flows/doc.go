// Package flows is the conversation as data: the states of SPEC §6, the
// events that move between them as a looplab/fsm transition table, what
// each step says (content ids), and how a texter's words become an event
// in each state.
//
// The engine (package bot) builds a fresh fsm.FSM from Events for every
// message; the diagram of `textline graph` is generated from the same table.
package flows
