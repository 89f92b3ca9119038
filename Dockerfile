# syntax=docker/dockerfile:1
# The silo host's image: one process that is an Orleans silo and the gRPC server.
#   docker build -t buurtzorg-silo:<version> .
# Kubernetes manifests for it are in k8s/, and docs/OPERATIONS.md says how to run it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
# Only what the host's build reads: the shared build settings, the protos, the sources, the publish script and the
# build logic the gRPC surface imports (its service bases against the client library's messages).
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY protos/ protos/
COPY src/ src/
COPY build/publish.sh build/ServiceBases.targets build/
# The same command CI runs; the NuGet cache survives between builds.
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages bash build/publish.sh /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# gRPC (h2c) on 5000 and HTTP/1.1 for probes on 8080, on every address of the pod; the image's default
# ASPNETCORE_HTTP_PORTS would only be overridden, so it is cleared. Orleans: silo 11111, gateway 30000.
ENV ASPNETCORE_URLS=http://+:5000 \
    ASPNETCORE_HTTP_PORTS= \
    Probes__Port=8080
EXPOSE 5000 8080 11111 30000
# The runtime image's unprivileged 'app' user (UID 1654), by number so Kubernetes can check runAsNonRoot.
USER $APP_UID
ENTRYPOINT ["dotnet", "Buurtzorg.Silo.dll"]
