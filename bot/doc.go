// Package bot is Textline's engine: one inbound text in, one reply out.
// It knows nothing of HTTP or Redis; it declares what it needs (Sessions,
// Counter, HumanLine) and packages under bot/ provide it.
//
// Every message goes through the same pipeline, in this order:
//
//  1. normalise: invalid UTF-8 and control characters become spaces; the
//     text is folded (case, accents, punctuation at the ends) for matching.
//  2. crisis triage (bot/safety), before the session is even loaded, so a
//     store outage cannot stop a crisis reply. The understanding
//     (bot/understand) of what the text asks for is read at most once,
//     when a later step first asks for it.
//  3. the session is loaded; a retried message gets its first reply back.
//     For a texter the human line may hold, the line is heard first: it
//     alone knows whether they are waiting or with a person, and the
//     session follows it (Session.Follow).
//  4. the session is known, so a short reply to the line's last question
//     ("yeah" to "are you thinking about suicide?", "saturday" after a
//     crisis) is triaged again in its light. A crisis answers with its
//     referral in the same reply, in any state; one that escalates also
//     calls the human line, and says so. A possible risk is asked about
//     directly, with the referral; YES is a crisis, NO goes back to
//     support. An opted-out texter in crisis is not written to; the human
//     line is alerted instead. A keyword or an answer the state takes
//     ("done", "2") is never a crisis on the model's word alone.
//  5. opt-out and HELP; during a handoff, everything else goes to the
//     human line (CALL asks for a call) and the flows stay silent. Then
//     requests for a person, keywords (START, MENU, BACK, ESPAÑOL,
//     ENGLISH, DELETE), plain requests to stop and media-only texts.
//  6. the conversation's table (package flows) picks the next step; every
//     change of state is one of its rows, and each row's action is done by
//     the registry in actions.go. Numbers and the step's own choice words
//     come first; then what the texter meant in their own words leads to
//     its part of the conversation from wherever they are. A text the line
//     cannot follow is said to be so, with the likeliest options and a
//     person (a person first after two in a row); a pending safety
//     question is asked again.
//  7. the session and the reply are stored together, atomically, with the
//     human line's step for the message if there is one; side effects
//     (alerts in the log, counters) happen only after that commit, and
//     only once per message. Then the human line does its step, once per
//     message, unless it was heard first: a retry of the message does it
//     if it did not happen (docs/ARCHITECTURE.md, "Where the texter is").
//
// Whatever fails after step 2, the texter still gets a reply with 988 and
// 741741 (Fallback).
package bot
