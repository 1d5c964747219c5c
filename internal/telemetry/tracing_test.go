package telemetry

import (
	"context"
	"strings"
	"testing"
)

// Bad settings are refused with what to give instead.
func TestSetupRefusesBadSettings(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no scheme", Config{Endpoint: "collector:4318", SampleRatio: 1}, "like http://collector:4318"},
		{"gRPC port scheme", Config{Endpoint: "grpc://collector:4317", SampleRatio: 1}, "OTLP/HTTP URL"},
		{"ratio over 1", Config{Endpoint: "http://127.0.0.1:4318", SampleRatio: 2}, "between 0 and 1"},
		{"negative ratio", Config{Endpoint: "http://127.0.0.1:4318", SampleRatio: -0.5}, "between 0 and 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, err := Setup(context.Background(), c.cfg)
			if err == nil {
				_ = tr.Shutdown(context.Background())
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
}

// The standard variables turn tracing on without a flag.
func TestEnabledByEnvironment(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	if Enabled("") {
		t.Error("on with nothing set")
	}
	if !Enabled("http://collector:4318") {
		t.Error("off with an endpoint")
	}
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")
	if !Enabled("") {
		t.Error("off with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set")
	}
}

func TestOperationType(t *testing.T) {
	for fields, want := range map[string]string{"list": "query", "get,list": "query", "list,create": "mutation", "customMutation": "mutation", "": "query"} {
		if got := operationType(fields); got != want {
			t.Errorf("operationType(%q) = %q, want %q", fields, got, want)
		}
	}
}
