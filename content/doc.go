// Package content holds every text Textline sends, as data files embedded
// into the binary, and loads them into a validated, typed Library.
//
// The files, in English (en/) and Spanish (es/) with the same ids:
//
//	line.yaml          the line's name and the operator's contact
//	vocab.yaml         keywords and the words that pick menu options
//	en/messages.yaml   id: text, one SMS each
//	en/tips.yaml       the coping tips, in the order they are shown
//	groups.yaml        the support-group directory, national and regional
//	zip3.yaml          which state each 3-digit ZIP prefix belongs to
//	directory.yaml     the checked crisis lines: the only numbers a text may name
//	triage/concepts/   what words mean, for crisis triage (bot/safety)
//	triage/rules/      the rules that combine concepts into a verdict
//	triage/*.model     the trained triage models (textline triage train)
//	triage/corpus/     the labelled texts they are trained on (not embedded)
//
// Operators replace the whole set with TEXTLINE_CONTENT_DIR; `textline lint`
// checks a folder before it goes live.
package content
