# syntax=docker/dockerfile:1.7
# One Dockerfile for both services: `--build-arg SERVICE=auth-service` or `resource-service`.
# Build stage: the official Rust image, the same toolchain and `cargo build --release --locked`
# that CI uses. BuildKit cache mounts keep the registry and compiled dependencies between builds,
# so a source change rebuilds only our crates.
ARG RUST_VERSION=1.95
FROM rust:${RUST_VERSION}-bookworm AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=auth-service|resource-service" && false)
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p "$SERVICE" \
 && cp "target/release/$SERVICE" /usr/local/bin/service

# Runtime stage: Debian slim with only libpq, running as an unprivileged user.
FROM debian:bookworm-slim AS runtime
ARG SERVICE
ARG PORT
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/photos
COPY --from=build /usr/local/bin/service /usr/local/bin/service
RUN ln -s /usr/local/bin/service "/usr/local/bin/$SERVICE"
# MALLOC_ARENA_MAX: glibc keeps a heap per thread and hands little back; two bound what many
# threads touching large uploads can hold (docs/PHOTOS.md, Memory).
# APP_ENV=production: an image runs with the production checks (no development secrets or keys,
# Secure cookies, https for JWKS_URL and PUBLIC_URL) unless its environment opts out, as
# docker-compose.yml does (docs/CONFIGURATION.md, APP_ENV).
ENV BIND_ADDR=0.0.0.0:${PORT} RUST_LOG=info MALLOC_ARENA_MAX=2 APP_ENV=production
# By uid, not name: a runtime can then see it is not root without reading /etc/passwd
# (Kubernetes' runAsNonRoot refuses a user name).
USER 10001
EXPOSE ${PORT}
# `healthcheck` asks the service's own /healthz over loopback: no shell tools needed.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/service", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/service"]
CMD ["serve"]
