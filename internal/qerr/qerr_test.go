package qerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestClientMessage(t *testing.T) {
	dbErr := errors.New(`duplicate key value violates unique constraint "artist_pkey"`)
	tests := []struct {
		err   error
		debug bool
		want  string
	}{
		// A constraint's kind says which, never the value: shown whatever the mode.
		{Wrap(Conflict, "a row with this key exists", dbErr), false, "a row with this key exists"},
		{Wrap(Conflict, "a row with this key exists", dbErr), true, `a row with this key exists: duplicate key value violates unique constraint "artist_pkey"`},
		{Wrap(Internal, "the database reported an error", dbErr), false, GenericMessage},
		{Wrap(Internal, "the database reported an error", dbErr), true, `the database reported an error: duplicate key value violates unique constraint "artist_pkey"`},
		{New(Validation, "Variable $id of type Int! was not provided."), false, "Variable $id of type Int! was not provided."},
		{fmt.Errorf("wrapped: %w", New(Unauthorized, "Valid authorization header not provided.")), false, "Valid authorization header not provided."},
		{errors.New("boom"), false, GenericMessage},
		{errors.New("boom"), true, "boom"},
	}
	for _, tt := range tests {
		if got := ClientMessage(tt.err, tt.debug); got != tt.want {
			t.Errorf("ClientMessage(%v, %v) = %q, want %q", tt.err, tt.debug, got, tt.want)
		}
	}
}

func TestKindOfAndErrorType(t *testing.T) {
	err := fmt.Errorf("exec: %w", New(Conditional, "condition failed"))
	if KindOf(err) != Conditional || ErrorType(KindOf(err)) != "ConditionalCheckFailedException" {
		t.Errorf("kind %s type %s", KindOf(err), ErrorType(KindOf(err)))
	}
	if KindOf(errors.New("x")) != Internal {
		t.Error("plain errors are not Internal")
	}
}
