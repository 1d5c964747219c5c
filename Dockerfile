# syntax=docker/dockerfile:1
#
# Quarry's container image: one static binary FROM scratch, running as an
# unprivileged user (65532), with the CA bundle for TLS to managed databases.
#
#   docker build -t quarry \
#     --build-arg VERSION="$(git describe --tags --always)" \
#     --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run -p 4000:4000 -v "$PWD/amplify/data:/app/amplify/data:ro" \
#     -e SQL_CONNECTION_STRING=postgres://app:pw@db:5432/shop -e API_KEYS=da2-... quarry
#
# The schema is read from /app/amplify/data (quarry serve's default --data,
# relative to WORKDIR /app): mount it, or build an image FROM this one that
# copies it there. resource.ts needs Node, which the image does not have:
# run `quarry build` first and ship amplify/data with its resource.built.graphql
# (or write the schema as .graphql files).
#
# Why scratch rather than a distroless base: everything in the image is
# listed below (the binary, the CA bundle, a passwd line, /app and /tmp), so
# there is nothing else to patch. Time zones are compiled in (-tags
# timetzdata) for MySQL's loc= parameter.

# The build runs on the builder's own platform and cross-compiles, so
# `docker buildx build --platform linux/amd64,linux/arm64` needs no emulation.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY cmd ./cmd
COPY internal ./internal
ARG TARGETOS TARGETARCH
# Set by release builds; empty means the binary says "(devel)".
ARG VERSION="" REVISION=""
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -tags timetzdata -o /out/usr/local/bin/quarry \
      -ldflags "-s -w -X github.com/quarrydata/quarry/internal/server.stampedVersion=${VERSION} -X github.com/quarrydata/quarry/internal/server.stampedRevision=${REVISION}" \
      ./cmd/quarry
# The rest of the file system: /app (the working directory; .quarry/managed.db
# goes there for managed models unless --managed-uri-secret is set), /tmp, and
# a passwd entry so the user has a name.
RUN mkdir -p /out/etc/ssl/certs /out/app/.quarry /out/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && echo 'nonroot:x:65532:65532:nonroot:/app:/sbin/nologin' > /out/etc/passwd \
 && echo 'nonroot:x:65532:' > /out/etc/group \
 && chmod 1777 /out/tmp

FROM scratch
COPY --from=build /out/usr /usr
COPY --from=build /out/etc /etc
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=65532:65532 /out/app /app
ENV PATH=/usr/local/bin
USER 65532:65532
WORKDIR /app
EXPOSE 4000
# Ready means 200 from /healthz: "ok", or "degraded" when only NATS is
# unreachable (the instance still serves). QUARRY_PORT moves both.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["quarry", "healthcheck"]
ENTRYPOINT ["quarry"]
CMD ["serve", "--host", "0.0.0.0"]
