# Multi-stage build: a static binary on a distroless base, run as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/xiangbang ./cmd/xiangbang

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/xiangbang /usr/local/bin/xiangbang
ENV XB_HTTP_ADDR=:8080 \
    XB_DATA_DIR=/data \
    XB_ENV=production
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/xiangbang"]
CMD ["serve"]
