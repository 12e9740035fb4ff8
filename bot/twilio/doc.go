// Package twilio connects Textline to Twilio. Its webhooks (messages,
// calls and status callbacks) go through the same steps in one order:
// verify the signature, decode the form, act, write TwiML (or nothing).
// REST sends the messages and calls Textline starts itself, through
// twilio-go.
package twilio
