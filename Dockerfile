# The samplecnn worker: CPU libtorch and ffmpeg, running as a non-root user.
#   docker build -t samplecnn .
#   docker run --rm -v "$PWD:/data" samplecnn tag /data/song.mp3 --model /data/runs/3-9
# scripts/docker-build-check.sh runs this file's COPY and RUN steps outside a container (no engine on
# the machines this was written on) and runs the worker from the result.
#
# Both stages are Ubuntu 24.04 ("noble": .NET 10 ships no Debian images) and must stay on the same
# distro: the build's GLIBCXX fix (build/WeakenGlibcxxNeed.cs, docs/ARCHITECTURE.md platform fact 1)
# decides from the build stage's libstdc++ whether libLibTorchSharp.so needs patching; noble's has
# GLIBCXX_3.4.32, so nothing is patched here and the runtime stage's libstdc++ must have it too.
# The glibc allocator setting (fact 2) is made by the program itself at start-up: no GLIBC_TUNABLES needed.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
# Restore first, from the project files alone, so the ~0.7 GB libtorch restore stays a cached layer
# while the sources change.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/SampleCnn/SampleCnn.csproj src/SampleCnn/
COPY src/SampleCnn.Cli/SampleCnn.Cli.csproj src/SampleCnn.Cli/
RUN dotnet restore src/SampleCnn.Cli/SampleCnn.Cli.csproj -r linux-x64 -p:TorchBackend=cpu
COPY src/ src/
RUN dotnet publish src/SampleCnn.Cli/SampleCnn.Cli.csproj --no-restore -c Release -r linux-x64 --self-contained false -p:TorchBackend=cpu -o /app

# Framework-dependent on the runtime image rather than self-contained on runtime-deps: the two come to
# the same size (the runtime's ~70 MB sits in the base layer or in ours), but here it is a shared base
# layer that Microsoft patches, and our layer (the app, ~0.5 GB, nearly all libtorch) is the only one
# a rebuild pushes.
FROM mcr.microsoft.com/dotnet/runtime:10.0-noble
# ffmpeg decodes every format but WAV, MP3 and Ogg Vorbis (FLAC, Opus, MP4/AAC, AIFF); its packages pull in
# libmpg123 (libmpg123-0t64 on noble), which decodes MP3 (without it NLayer does).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
RUN ln -s /app/SampleCnn.Cli /usr/local/bin/samplecnn
# The .NET images' non-root user (uid 1654, "app").
USER $APP_UID
WORKDIR /data
ENTRYPOINT ["samplecnn"]
CMD ["--help"]
