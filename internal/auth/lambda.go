package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/quarrydata/quarry/internal/qerr"
)

// RequestInfo is the request context a custom authorizer receives. The
// server attaches it to the context with WithRequestInfo before calling
// Authenticate; the other providers do not read it.
type RequestInfo struct {
	RequestID     string
	QueryString   string
	OperationName string
	Variables     map[string]any
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying ri for the custom authorizer.
func WithRequestInfo(ctx context.Context, ri RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

func requestInfoFrom(ctx context.Context) RequestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(RequestInfo)
	return ri
}

// lambdaRequest is what an AppSync Lambda authorizer receives.
type lambdaRequest struct {
	AuthorizationToken string               `json:"authorizationToken"`
	RequestContext     lambdaRequestContext `json:"requestContext"`
}

type lambdaRequestContext struct {
	APIID         string         `json:"apiId"`
	AccountID     string         `json:"accountId"`
	RequestID     string         `json:"requestId"`
	QueryString   string         `json:"queryString"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables"`
}

// lambdaResponse is what an AppSync Lambda authorizer answers. isAuthorized
// is a pointer so that an answer without it counts as garbage, not as a
// refusal or, worse, a grant.
type lambdaResponse struct {
	IsAuthorized    *bool          `json:"isAuthorized"`
	ResolverContext map[string]any `json:"resolverContext"`
	DeniedFields    []string       `json:"deniedFields"`
	TTLOverride     *int64         `json:"ttlOverride"`
}

// lambdaDecision is a cached answer.
type lambdaDecision struct {
	allowed bool
	id      Identity
}

// lambdaAuthorizer calls the webhook and caches its answers per token.
type lambdaAuthorizer struct {
	cfg     LambdaConfig
	ttl     time.Duration
	timeout time.Duration
	fetch   fetcher
	now     func() time.Time

	cache credCache[lambdaDecision]
}

func newLambdaAuthorizer(cfg LambdaConfig, f fetcher, now func() time.Time) *lambdaAuthorizer {
	la := &lambdaAuthorizer{cfg: cfg, ttl: DefaultLambdaTTL, timeout: cfg.Timeout, fetch: f, now: now}
	if cfg.TTL != nil {
		la.ttl = min(*cfg.TTL, MaxLambdaTTL)
	}
	if la.timeout <= 0 {
		la.timeout = DefaultLambdaTimeout
	}
	return la
}

const msgLambdaDenied = "Not authorized by the custom authorizer"

func (la *lambdaAuthorizer) authorize(ctx context.Context, token string) (Identity, error) {
	now := la.now()
	if d, ok := la.cache.get(token, now); ok {
		return d.result()
	}

	ri := requestInfoFrom(ctx)
	body, err := json.Marshal(lambdaRequest{AuthorizationToken: token, RequestContext: lambdaRequestContext{
		APIID: la.cfg.APIID, AccountID: la.cfg.AccountID, RequestID: ri.RequestID,
		QueryString: ri.QueryString, OperationName: ri.OperationName, Variables: ri.Variables,
	}})
	if err != nil {
		return Identity{}, unauthorized("custom authorizer: cannot encode the request", errors.New("variables are not JSON"))
	}
	b, err := la.fetch.do(ctx, la.timeout, http.MethodPost, la.cfg.URL, body, la.cfg.Headers)
	if err != nil {
		// Down, slow or refusing: fail closed, and cache nothing, so the
		// next request asks again.
		return Identity{}, unauthorized("custom authorizer is unavailable", err)
	}
	var resp lambdaResponse
	if err := json.Unmarshal(b, &resp); err != nil || resp.IsAuthorized == nil {
		return Identity{}, unauthorized("custom authorizer gave an invalid answer", errors.New("answer is not a JSON object with a boolean isAuthorized"))
	}
	d := lambdaDecision{allowed: *resp.IsAuthorized}
	if d.allowed {
		d.id = Identity{Provider: ProviderFunction, ResolverContext: resp.ResolverContext, DeniedFields: resp.DeniedFields}
	}
	ttl := la.ttl
	if resp.TTLOverride != nil {
		ttl = min(max(time.Duration(*resp.TTLOverride)*time.Second, 0), MaxLambdaTTL)
	}
	if ttl > 0 {
		la.cache.put(token, d, now, now.Add(ttl), now)
	}
	return d.result()
}

func (d lambdaDecision) result() (Identity, error) {
	if !d.allowed {
		return Identity{}, qerr.New(qerr.Unauthorized, msgLambdaDenied)
	}
	return d.id, nil
}
