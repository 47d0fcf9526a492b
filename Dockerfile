# kubelint's container image: `check` for CI jobs and `serve` for the admission webhook.
#
#   docker build -t kubelint .
#   docker run --rm -v "$PWD:/src:ro" kubelint check --format compact .
#   docker run --rm -v "$PWD/tls:/tls:ro" -p 8443:8443 kubelint serve --cert /tls/tls.crt --key /tls/tls.key --listen 0.0.0.0:8443
#
# Two stages: a Rust build of the `webhook` feature (which includes `cli` and, with the
# default features, `scripts`: every subcommand), then only the binary on distroless
# `cc`: glibc, CA certificates and a `nonroot` user (uid 65532), no shell, no package
# manager. Not a static musl build on `scratch`: musl's allocator is much slower than
# glibc's under the many small allocations of parallel parsing, and `ring` (rustls)
# builds its C and assembly against glibc here without extra toolchains.
# tests/dockerfile.rs checks this file: every subcommand and flag given to kubelint here
# (ENTRYPOINT, CMD and the `docker run` lines above) exists, the final stage runs as a
# non-root user with no shell needed, and the build enables the features `serve` needs.

FROM rust:1-bookworm AS build
WORKDIR /build
# The sources the build reads (see .dockerignore): the manifest and lock, build.rs, src/,
# the embedded schemas and scripts, and the target files Cargo.toml declares.
COPY . .
RUN cargo build --release --locked --features webhook --bin kubelint \
 && cp target/release/kubelint /kubelint

# glibc 2.36, as the bookworm builder links against.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /kubelint /usr/local/bin/kubelint
# Numeric, so that a pod's `runAsNonRoot: true` can be verified by the kubelet (a user
# name cannot): 65532 is distroless's `nonroot`.
USER 65532:65532
WORKDIR /src
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/kubelint"]
CMD ["check", "."]
