// Package qerr holds Quarry's error kinds, with stable codes grouped by the
// stage that raises them, and how each is shown to a client. Clients see a
// specific message for mistakes in their own request and, for everything
// else, the reference's generic message unless debug mode is on; the log
// always has the cause, tied to the response by a request id.
package qerr

import (
	"errors"
	"fmt"
)

// Kind classifies an error. Its string is the stable code.
type Kind string

// Kinds, by stage.
const (
	// Request: the caller's own mistake; the message is always shown.
	BadRequest   Kind = "BAD_REQUEST"   // malformed body, unknown operation
	Validation   Kind = "VALIDATION"    // GraphQL validation, bad variable values
	BadInput     Kind = "BAD_INPUT"     // a value the database rejects: foreign key, NOT NULL, CHECK
	Unauthorized Kind = "UNAUTHORIZED"  // missing or wrong credentials
	Forbidden    Kind = "FORBIDDEN"     // authenticated, but a rule denies it
	NotFound     Kind = "NOT_FOUND"     // update/delete of a missing row, or condition false
	Conflict     Kind = "CONFLICT"      // unique violation
	Unavailable  Kind = "UNAVAILABLE"   // database busy, timeout, unreachable
	Internal     Kind = "INTERNAL"      // anything else
	Timeout      Kind = "TIMEOUT"       // the statement ran past its deadline
	TooLarge     Kind = "TOO_LARGE"     // request body or result over a limit
	Unsupported  Kind = "UNSUPPORTED"   // valid GraphQL that Quarry cannot serve yet
	Conditional  Kind = "CONDITIONAL"   // a mutation's condition did not hold
	Throttled    Kind = "THROTTLED"     // too many requests
	Misconfig    Kind = "MISCONFIGURED" // the schema does not match the database
	// Ambiguous: the connection was lost after a commit was sent, so
	// whether the write happened is unknown. It must not be retried
	// blindly as Unavailable is: a create may already exist.
	Ambiguous Kind = "AMBIGUOUS"
)

// Messages clients match on, documented in the README.
const (
	// UnreachableMessage answers every request while the database cannot
	// be reached: retry later.
	UnreachableMessage = "The database is unreachable; retry later."
	// AmbiguousMessage answers a write whose commit was sent when the
	// connection was lost.
	AmbiguousMessage = "The connection to the database was lost while the write was being committed: the write may have been applied. Read it back before retrying, or retry a create with the same client-chosen key."
)

// GenericMessage is what the reference returns for every runtime error
// outside debug mode.
const GenericMessage = "Error processing the request. Check the logs for more details."

// Error is an error with a kind, a message safe for clients and a cause
// for the log.
type Error struct {
	Kind Kind
	// Msg is safe to show to the client whatever the mode.
	Msg string
	// Cause is the underlying error, for the log and for debug mode.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Msg, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Msg)
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an Error of kind k.
func New(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }

// Wrap returns an Error of kind k around cause.
func Wrap(k Kind, msg string, cause error) *Error { return &Error{Kind: k, Msg: msg, Cause: cause} }

// KindOf returns the kind of err, Internal for errors without one.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// shown lists kinds whose message always reaches the client: they
// describe the request, or tell the client what to do (retry later, read
// before retrying); their messages carry no cause.
var shown = map[Kind]bool{
	BadRequest: true, Validation: true, Unauthorized: true, Forbidden: true,
	TooLarge: true, Unsupported: true, Throttled: true, Conditional: true, NotFound: true,
	Ambiguous: true, Unavailable: true, Timeout: true,
	// A constraint the write broke: the message names the constraint, key
	// or column, never a value.
	Conflict: true, BadInput: true,
}

// ErrorType is the AppSync errorType the client sees for a kind.
func ErrorType(k Kind) string {
	switch k {
	case Unauthorized, Forbidden:
		return "Unauthorized"
	case Validation, BadRequest, Unsupported:
		return "ValidationError"
	case Conditional, NotFound:
		return "ConditionalCheckFailedException"
	case Conflict:
		return "ConflictException"
	case BadInput:
		return "BadRequestException"
	case Unavailable, Timeout, Throttled:
		return "ServiceUnavailableException"
	case TooLarge:
		return "PayloadTooLargeException"
	case Ambiguous:
		return "AmbiguousWriteException"
	}
	return "InternalFailure"
}

// ClientMessage is the message a client sees for err: the request's own
// mistakes always; the specific cause of a runtime error only in debug mode.
func ClientMessage(err error, debug bool) string {
	var e *Error
	if !errors.As(err, &e) {
		if debug {
			return err.Error()
		}
		return GenericMessage
	}
	if debug {
		if e.Cause != nil {
			return e.Msg + ": " + e.Cause.Error()
		}
		return e.Msg
	}
	if shown[e.Kind] {
		return e.Msg
	}
	return GenericMessage
}
