// Package twilio connects Textline to Twilio's messaging webhook. Each
// request goes through four steps in one order: verify the signature,
// decode the form, delegate to the engine, write TwiML.
package twilio
