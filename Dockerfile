# Praxis in a container: built on the Swift image, run on plain Debian with the C libraries only.
#   docker build -t praxis .
#   docker run --rm -e DATABASE_URL=postgresql://praxis_app:...@db:5432/praxis praxis serve

# ---- build ----
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libmicrohttpd-dev libpq-dev libsodium-dev zlib1g-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --static-swift-stdlib --product praxis \
 && mkdir -p /staging \
 && cp "$(swift build -c release --show-bin-path)/praxis" /staging/praxis

# ---- run ----
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libmicrohttpd12 libpq5 libsodium23 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin praxis
WORKDIR /app
COPY --from=build /staging/praxis /usr/local/bin/praxis
# The binary reads ./migrations and ./openapi.yaml (beside it) from its working directory.
COPY migrations/ /app/migrations/
COPY openapi.yaml /app/openapi.yaml
USER praxis
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
ENTRYPOINT ["praxis"]
CMD ["serve"]
