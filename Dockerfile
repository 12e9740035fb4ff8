# Build a static binary, then ship it alone on a minimal base that has CA
# certificates and time zones, as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/textline ./cmd/textline

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/textline /usr/local/bin/textline
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/textline"]
CMD ["serve"]
