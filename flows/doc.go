// Package flows is the conversation as data: its states, the events that
// move between them, what each step says (content ids) and which action
// the engine performs on each transition. Every change of a texter's
// state is a row of Table, made by Position.Fire and by nothing else; the
// diagram of `textline graph` is drawn from the same rows.
//
// A texter is in one state at a time: a step of the bot's conversation,
// waiting for a person or talking with one, or opted out. Some events are
// the texter's words (a number or a choice word, see Parse); the others
// are the engine's reading of a message (a crisis, a request for a
// person, a first message) or the human line's doing (a responder took,
// passed or closed the conversation).
package flows
