// Package auth turns the credentials of one request into an Identity: API
// keys, JWTs from any OpenID Connect issuer (Amazon Cognito user pools
// included), a custom authorizer webhook shaped like an AppSync Lambda
// authorizer, and guests. It also holds DevIssuer, the sandbox's local OIDC
// issuer, so rules can be tried without a cloud account.
//
// Every failure is a *qerr.Error of kind Unauthorized whose message tells the
// caller what was wrong (expired, wrong issuer, bad signature) without ever
// repeating the credential itself. Anything the package cannot check (an
// issuer that is down, a webhook that times out or answers garbage) fails
// closed.
//
// Authorization rules (which identity may do what) are not here yet; they
// read the Identity this package produces.
package auth
